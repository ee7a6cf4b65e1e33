// What a core's and a read replica's composition share: discovery timing, advertised addresses and
// the cluster SSL policy's TLS for their links.
import type { ClusterConfig, ListenerAddresses, ServerConfig } from '../config/types.js';
import type { BoundClusterNet } from '../../env/node/cluster-net.js';
import type { FramedTls } from '../../env/node/framed-tcp.js';
import { describeTls, loadTlsMaterial } from '../../env/node/tls-material.js';
import type { Logger } from '../log.js';
import { refusalLogLimiter, sslPolicy } from '../tls.js';
import { nodeClock } from '../../env/node/clock.js';
import type { SideState } from '../../cluster/graph-state-machine.js';
import type { StoreImageBuilder } from '../../cluster/tx-feed.js';
import { snapshotBuilder } from '../../env/node/snapshot-builder.js';
import { usearchAnnIndexFactory } from '../../env/node/usearch-ann.js';
import type { AnnIndexFactory } from '../../graph/search/vector-index.js';

/** discovery rounds: each member repeats its self-description this often */
export const DISCOVERY_INTERVAL_MS = 200;
/** a member silent in discovery this long is shown as gone */
export const DISCOVERY_ALIVE_MS = 3000;

/** a started cluster member of either kind, with its network and settings */
/** What the server composition hands a core or replica member it starts. */
export interface MemberServerOptions {
  readonly databaseName: string;
  readonly databasePath: string;
  readonly lockAcquisitionTimeoutMs: number;
  readonly boltAddress: () => string;
  readonly httpAddress: () => string | null;
  readonly httpsAddress?: () => string | null;
  /** the system database, replicated beside the graph (cores) or pulled with it (replicas) */
  readonly sideState?: SideState;
}

/** a worker that builds store images for a member (compaction, store copies), logging failures */
export function memberImageBuilder(storePath: string, log: Logger): { build: StoreImageBuilder; close(): Promise<void> } {
  const builder = snapshotBuilder(storePath);
  return {
    build: (afterTxId, done) => builder.build(afterTxId, (image, error) => {
      if (error !== undefined) log.warn(`Building a store image failed (compaction or store copy postponed): ${error.message}`);
      done(image);
    }),
    close: () => builder.close(),
  };
}

/** usearch's HNSW for vector indexes when its native module loads (exact search otherwise) */
export function annIndexOption(): { annIndexFactory?: AnnIndexFactory } {
  const factory = usearchAnnIndexFactory();
  return factory === undefined ? {} : { annIndexFactory: factory };
}

export interface StartedMember<M> {
  readonly member: M;
  readonly net: BoundClusterNet;
  readonly cluster: ClusterConfig;
  close(): Promise<void>;
}

/** host:port others dial: the advertised address, with the bound port when it was 0 */
export function advertised(addresses: ListenerAddresses, boundPort: number): string {
  return `${addresses.advertisedHost}:${addresses.advertisedPort === 0 ? boundPort : addresses.advertisedPort}`;
}

/**
 * TLS for discovery, Raft and catch-up from the cluster SSL policy (dbms.ssl.policy.cluster.*, or
 * 3.5's causal_clustering.ssl_policy), or undefined when it is not enabled. A peer refused for its
 * certificate (or refusing ours) gets a warning line naming it, repeated at most once a minute.
 */
export function clusterTls(config: ServerConfig, log: Logger): FramedTls | undefined {
  const policy = sslPolicy(config, 'cluster');
  if (policy === undefined) return undefined;
  const material = loadTlsMaterial(policy);
  log.info(`Cluster traffic encrypted (${describeTls(material)}).`);
  const shouldLog = refusalLogLimiter(nodeClock.monotonicMs);
  return {
    serverOptions: material.serverOptions,
    clientOptions: material.clientOptions,
    refusal: material.refusal,
    onRefused: (peer, reason, inbound) => {
      if (!shouldLog(peer, reason)) return;
      log.warn(inbound
        ? `Cluster connection from ${peer} refused by the cluster SSL policy: ${reason}.`
        : `Cluster connection to ${peer} failed its TLS handshake (cluster SSL policy): ${reason}.`);
    },
  };
}
