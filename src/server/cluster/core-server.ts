// A server in dbms.mode=CORE: its database is a core member's engine (an LMDB store fed by the
// Raft log instead of a local commit log), with the cluster's TCP services beside Bolt and HTTP.
// Layout under the data directory, as Neo4j's: databases/<name>/graph.mdb for the store,
// cluster-state/ for the member id, the cluster binding and the Raft WAL.

import { CoreMember, type MemberAddresses } from '../../cluster/core-member.js';
import { KvGraphStore } from '../../graph/kv-store.js';
import { storeFilePath } from '../../graph/open.js';
import { Wal } from '../../replication/wal/wal.js';
import { nodeClock, nodeTicker } from '../../env/node/clock.js';
import { NodeDisk } from '../../env/node/disk.js';
import { openLmdbKv, syncLmdbKv } from '../../env/node/lmdb-kv.js';
import { nodeRandom } from '../../env/node/random.js';
import { ClusterStateFiles, newClusterId } from '../../env/node/cluster-state-files.js';
import { resolveDiscoveryMembers } from '../../env/node/discovery-resolver.js';
import { startClusterNet, type BoundClusterNet } from '../../env/node/cluster-net.js';
import type { ClusterConfig, ListenerAddresses, ServerConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import { advertised, clusterTls, DISCOVERY_ALIVE_MS, DISCOVERY_INTERVAL_MS, annIndexOption, memberImageBuilder, type MemberServerOptions, type StartedMember } from './member-server.js';


export type StartedCore = StartedMember<CoreMember>;


/**
 * TuGraph HA names its members and their raft ports (bolt_raft_init_peers) and has no discovery
 * port; Causeway runs discovery on bolt_raft_port + 1 and catch-up on bolt_raft_port + 2 there,
 * uses bolt_raft_node_id as the member id, and forms once every initial peer is up.
 */
export function tugraphPeers(cluster: ClusterConfig): ClusterConfig {
  const peers = cluster.raftPeers ?? [];
  if (peers.length === 0) return cluster;
  if (cluster.memberId === undefined) throw new Error('lgraph.json lists bolt_raft_init_peers but not this member\'s bolt_raft_node_id');
  const raftPort = cluster.raft.listenPort;
  const beside = (addresses: ListenerAddresses, offset: number): ListenerAddresses => ({
    ...addresses, listenPort: raftPort + offset, advertisedPort: cluster.raft.advertisedPort + offset,
  });
  return {
    ...cluster,
    discovery: beside(cluster.discovery, 1),
    transaction: beside(cluster.transaction, 2),
    discoveryMembers: peers.map((peer) => ({ host: peer.host, port: peer.raftPort + 1 })),
    minimumCoreClusterSizeAtFormation: peers.length,
    minimumCoreClusterSizeAtRuntime: Math.min(cluster.minimumCoreClusterSizeAtRuntime, peers.length),
  };
}

export function tickMsFor(electionTimeoutMs: number): number {
  // About ten ticks per election timeout, so the random timeout has useful resolution.
  return Math.max(10, Math.min(100, Math.floor(electionTimeoutMs / 10)));
}

export async function startCore(
  config: ServerConfig, log: Logger,
  options: MemberServerOptions,
): Promise<StartedCore> {
  const cluster = tugraphPeers(config.cluster!);
  const state = new ClusterStateFiles(`${config.dataDir}/cluster-state`);
  const selfId = cluster.memberId !== undefined ? String(cluster.memberId) : state.memberId();
  const wal = new Wal(new NodeDisk(), { dir: state.raftDir });
  const kv = openLmdbKv(storeFilePath(options.databasePath));
  const store = new KvGraphStore(kv);
  const images = memberImageBuilder(storeFilePath(options.databasePath), log);
  let addresses: MemberAddresses | undefined;
  const member = new CoreMember({
    selfId, databaseName: options.databaseName, store, raftStorage: wal, clusterState: state,
    clock: nodeClock, ticker: nodeTicker, random: nodeRandom(), defer: (fn) => setImmediate(fn),
    electionTimeoutMs: cluster.leaderElectionTimeoutMs, tickMs: tickMsFor(cluster.leaderElectionTimeoutMs),
    preVote: cluster.enablePreVoting ?? true, refuseToBeLeader: cluster.refuseToBeLeader,
    minimumAtFormation: cluster.minimumCoreClusterSizeAtFormation, minimumAtRuntime: cluster.minimumCoreClusterSizeAtRuntime,
    memberRemovalTimeoutMs: cluster.memberRemovalTimeoutMs, discoveryAliveMs: DISCOVERY_ALIVE_MS,
    addresses: () => ({ ...addresses!, bolt: options.boltAddress(), http: options.httpAddress(), https: options.httpsAddress?.() ?? null }),
    groups: cluster.serverGroups, lockAcquisitionTimeoutMs: options.lockAcquisitionTimeoutMs,
    compactAfterEntries: cluster.snapshotAfterEntries, inflightAppends: cluster.raftInflightAppends, newClusterId,
    buildStoreImage: images.build,
    syncStore: (done) => syncLmdbKv(kv, done),
    ...annIndexOption(),
    ...(options.sideState === undefined ? {} : { sideState: options.sideState }),
    log: { info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m, e) => log.error(m, e) },
    onFatal: () => {
      // Fail-stop: a member that cannot trust its log must not serve anything.
      log.error('Stopping the process after a Raft storage failure.');
      process.exitCode = 70;
      setImmediate(() => process.exit(70));
    },
  });
  let net: BoundClusterNet;
  try {
    const seeds = await resolveDiscoveryMembers(cluster.discoveryType, cluster.discoveryMembers);
    const tls = clusterTls(config, log);
    net = await startClusterNet({
      selfId,
      discoveryListen: { host: cluster.discovery.listenHost, port: cluster.discovery.listenPort },
      raftListen: { host: cluster.raft.listenHost, port: cluster.raft.listenPort },
      catchupListen: { host: cluster.transaction.listenHost, port: cluster.transaction.listenPort },
      seeds, discoveryIntervalMs: DISCOVERY_INTERVAL_MS, ...(tls ? { tls } : {}),
    }, member);
  } catch (error) {
    await member.close();
    await images.close();
    throw error;
  }
  addresses = {
    discovery: advertised(cluster.discovery, net.discoveryAddress.port),
    raft: advertised(cluster.raft, net.raftAddress.port),
    catchup: advertised(cluster.transaction, net.catchupAddress.port),
    bolt: '', http: null,
  };
  const binding = member.clusterBinding;
  log.info(`Core member ${selfId}: discovery on ${net.discoveryAddress.host}:${net.discoveryAddress.port}, ` +
    `raft on ${net.raftAddress.host}:${net.raftAddress.port}, catch-up on ${net.catchupAddress.host}:${net.catchupAddress.port}; ` +
    `discovery members ${cluster.discoveryMembers.map((m) => `${m.host}:${m.port}`).join(', ')} (${cluster.discoveryType}).`);
  log.info(binding === null
    ? `Not yet part of a cluster: waiting for ${cluster.minimumCoreClusterSizeAtFormation} cores (causal_clustering.minimum_core_cluster_size_at_formation).`
    : `Bound to cluster ${binding.clusterId}; rejoining with the state in ${config.dataDir}.`);
  log.info(`Raft: leader election timeout ${cluster.leaderElectionTimeoutMs} ms, pre-voting ${cluster.enablePreVoting ?? true ? 'on' : 'off'}` +
    `${cluster.refuseToBeLeader ? ', refusing to be leader' : ''}.`);
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
