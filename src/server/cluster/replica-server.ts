// A server in dbms.mode=READ_REPLICA: its database is a read replica's engine (an LMDB store fed
// by pulling from a core over the catch-up protocol), with discovery and catch-up listeners; no
// Raft. Layout as a core's: databases/<name>/graph.mdb, cluster-state/{member-id,cluster.json}.

import { ReplicaMember } from '../../cluster/replica-member.js';
import type { MemberAddresses } from '../../cluster/core-member.js';
import { KvGraphStore } from '../../graph/kv-store.js';
import { storeFilePath } from '../../graph/open.js';
import { nodeClock, nodeTicker } from '../../env/node/clock.js';
import { openLmdbKv } from '../../env/node/lmdb-kv.js';
import { nodeRandom } from '../../env/node/random.js';
import { ClusterStateFiles } from '../../env/node/cluster-state-files.js';
import { resolveDiscoveryMembers } from '../../env/node/discovery-resolver.js';
import { startClusterNet, type BoundClusterNet } from '../../env/node/cluster-net.js';
import type { ClusterConfig, ListenerAddresses, ServerConfig } from '../config/types.js';
import type { Logger } from '../log.js';

const DISCOVERY_INTERVAL_MS = 200;
const DISCOVERY_ALIVE_MS = 3000;

export interface StartedReplica {
  readonly member: ReplicaMember;
  readonly net: BoundClusterNet;
  readonly cluster: ClusterConfig;
  close(): Promise<void>;
}

function advertised(addresses: ListenerAddresses, boundPort: number): string {
  return `${addresses.advertisedHost}:${addresses.advertisedPort === 0 ? boundPort : addresses.advertisedPort}`;
}

export async function startReplica(
  config: ServerConfig, log: Logger,
  options: { readonly databaseName: string; readonly databasePath: string; readonly lockAcquisitionTimeoutMs: number; readonly boltAddress: () => string; readonly httpAddress: () => string | null },
): Promise<StartedReplica> {
  const cluster = config.cluster!;
  const state = new ClusterStateFiles(`${config.dataDir}/cluster-state`);
  const selfId = state.memberId();
  const store = new KvGraphStore(openLmdbKv(storeFilePath(options.databasePath)));
  let addresses: MemberAddresses | undefined;
  const member = new ReplicaMember({
    selfId, databaseName: options.databaseName, store, clusterState: state,
    clock: nodeClock, ticker: nodeTicker, random: nodeRandom(),
    pullIntervalMs: cluster.pullIntervalMs, discoveryAliveMs: DISCOVERY_ALIVE_MS,
    addresses: () => ({ ...addresses!, bolt: options.boltAddress(), http: options.httpAddress() }),
    groups: cluster.serverGroups, lockAcquisitionTimeoutMs: options.lockAcquisitionTimeoutMs,
    log: { info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m, e) => log.error(m, e) },
  });
  let net: BoundClusterNet;
  try {
    const seeds = await resolveDiscoveryMembers(cluster.discoveryType, cluster.discoveryMembers);
    net = await startClusterNet({
      selfId, raft: false,
      discoveryListen: { host: cluster.discovery.listenHost, port: cluster.discovery.listenPort },
      raftListen: { host: cluster.raft.listenHost, port: 0 },
      catchupListen: { host: cluster.transaction.listenHost, port: cluster.transaction.listenPort },
      seeds, discoveryIntervalMs: DISCOVERY_INTERVAL_MS,
    }, member);
  } catch (error) {
    await member.close();
    throw error;
  }
  addresses = {
    discovery: advertised(cluster.discovery, net.discoveryAddress.port), raft: '',
    catchup: advertised(cluster.transaction, net.catchupAddress.port), bolt: '', http: null,
  };
  log.info(`Read replica ${selfId}: discovery on ${net.discoveryAddress.host}:${net.discoveryAddress.port}, catch-up on ` +
    `${net.catchupAddress.host}:${net.catchupAddress.port}; pulling every ${cluster.pullIntervalMs} ms from a random core ` +
    `(discovery members ${cluster.discoveryMembers.map((m) => `${m.host}:${m.port}`).join(', ')}).`);
  member.start(net);
  return {
    member, net, cluster,
    close: async () => {
      await net.close();
      await member.close();
    },
  };
}
