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
import type { ServerConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import { advertised, clusterTls, DISCOVERY_ALIVE_MS, DISCOVERY_INTERVAL_MS, annIndexOption, memberImageBuilder, type MemberServerOptions, type StartedMember } from './member-server.js';
import { parseUpstreamStrategies, type UpstreamStrategy } from '../../cluster/upstream.js';
import { ConfigError } from '../config/sources.js';


export type StartedReplica = StartedMember<ReplicaMember>;

/** The upstream settings, 3.5 causal_clustering.* or 5.x server.cluster.catchup.*; malformed ones stop startup. */
export const UPSTREAM_SETTING_KEYS = [
  'causal_clustering.upstream_selection_strategy', 'server.cluster.catchup.upstream_strategy',
  'causal_clustering.connect-randomly-to-server-group', 'server.cluster.catchup.connect_randomly_to_server_group',
  'causal_clustering.user_defined_upstream_strategy', 'server.cluster.catchup.user_defined_upstream_strategy',
] as const;

function upstreamStrategiesFrom(raw: ReadonlyMap<string, string>): UpstreamStrategy[] {
  const get = (a: string, b: string): string | undefined => raw.get(a) ?? raw.get(b);
  const list = (text: string | undefined): string[] => (text ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
  const names = list(get(UPSTREAM_SETTING_KEYS[0], UPSTREAM_SETTING_KEYS[1]));
  try {
    return parseUpstreamStrategies(names.length === 0 ? ['connect-to-random-core-server'] : names,
      list(get(UPSTREAM_SETTING_KEYS[2], UPSTREAM_SETTING_KEYS[3])), get(UPSTREAM_SETTING_KEYS[4], UPSTREAM_SETTING_KEYS[5]));
  } catch (error) {
    throw new ConfigError(`Invalid upstream selection settings: ${(error as Error).message}`);
  }
}


export async function startReplica(
  config: ServerConfig, log: Logger,
  options: MemberServerOptions,
): Promise<StartedReplica> {
  const cluster = config.cluster!;
  const state = new ClusterStateFiles(`${config.dataDir}/cluster-state`);
  const selfId = state.memberId();
  const upstreamStrategies = upstreamStrategiesFrom(config.raw);
  const store = new KvGraphStore(openLmdbKv(storeFilePath(options.databasePath)));
  const images = memberImageBuilder(storeFilePath(options.databasePath), log);
  let addresses: MemberAddresses | undefined;
  const member = new ReplicaMember({
    selfId, databaseName: options.databaseName, store, clusterState: state,
    clock: nodeClock, ticker: nodeTicker, random: nodeRandom(),
    pullIntervalMs: cluster.pullIntervalMs, discoveryAliveMs: DISCOVERY_ALIVE_MS,
    addresses: () => ({ ...addresses!, bolt: options.boltAddress(), http: options.httpAddress(), https: options.httpsAddress?.() ?? null }),
    groups: cluster.serverGroups, lockAcquisitionTimeoutMs: options.lockAcquisitionTimeoutMs,
    log: { info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m, e) => log.error(m, e) },
    upstreamStrategies, buildStoreImage: images.build,
    ...annIndexOption(),
    ...(options.sideState === undefined ? {} : { sideState: options.sideState }),
  });
  let net: BoundClusterNet;
  try {
    const seeds = await resolveDiscoveryMembers(cluster.discoveryType, cluster.discoveryMembers);
    const tls = clusterTls(config, log);
    net = await startClusterNet({
      selfId, raft: false,
      discoveryListen: { host: cluster.discovery.listenHost, port: cluster.discovery.listenPort },
      raftListen: { host: cluster.raft.listenHost, port: 0 },
      catchupListen: { host: cluster.transaction.listenHost, port: cluster.transaction.listenPort },
      seeds, discoveryIntervalMs: DISCOVERY_INTERVAL_MS, ...(tls ? { tls } : {}),
    }, member);
  } catch (error) {
    await member.close();
    await images.close();
    throw error;
  }
  addresses = {
    discovery: advertised(cluster.discovery, net.discoveryAddress.port), raft: '',
    catchup: advertised(cluster.transaction, net.catchupAddress.port), bolt: '', http: null,
  };
  log.info(`Read replica ${selfId}: discovery on ${net.discoveryAddress.host}:${net.discoveryAddress.port}, catch-up on ` +
    `${net.catchupAddress.host}:${net.catchupAddress.port}; pulling every ${cluster.pullIntervalMs} ms (upstream: ${upstreamStrategies.map((u) => u.kind).join(', ')}) ` +
    `(discovery members ${cluster.discoveryMembers.map((m) => `${m.host}:${m.port}`).join(', ')}).`);
  member.start(net);
  return {
    member, net, cluster,
    close: async () => {
      await net.close();
      await member.close();
      await images.close();
    },
  };
}
