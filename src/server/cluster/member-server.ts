// What a core's and a read replica's composition share: discovery timing and advertised addresses.
import type { ClusterConfig, ListenerAddresses } from '../config/types.js';
import type { BoundClusterNet } from '../../env/node/cluster-net.js';
import type { SideState } from '../../cluster/graph-state-machine.js';

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
  /** the system database, replicated beside the graph (cores) or pulled with it (replicas) */
  readonly sideState?: SideState;
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
