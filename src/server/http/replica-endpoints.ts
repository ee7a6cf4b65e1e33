// The health endpoints of a read replica, as Neo4j answers them on one: 3.5's
// /db/manage/server/read-replica/available, and the 4.x/5.x /db/<db>/cluster/{writable,read-only,
// available,status} a load balancer or probe uses for every member. A replica is never writable,
// always read-only while it follows a cluster, and its status says it is not a core, plus how far
// it trails its upstream (replicationLagTxs, Causeway's own field).

import type { ReplicaStatus } from '../../cluster/replica-member.js';
import type { HttpRequest, HttpResponse } from './discovery.js';

export interface ReplicaMonitorView {
  readonly databaseName: string;
  status(): ReplicaStatus;
}

const LEGACY_BASE = '/db/manage/server/read-replica';
const DB_PATH = /^\/db\/([^/]+)\/cluster(?:\/([^/]*))?$/;

function plain(ok: boolean): HttpResponse {
  return ok ? { status: 200, contentType: 'text/plain', body: 'true' } : { status: 404, contentType: 'text/plain', body: 'false' };
}

export function replicaStatusBody(status: ReplicaStatus): Record<string, unknown> {
  return {
    lastAppliedRaftIndex: status.lastAppliedTxId,
    participatingInRaftGroup: false,
    votingMembers: [],
    healthy: status.clusterId !== null,
    memberId: status.memberId,
    leader: status.leaderId,
    millisSinceLastLeaderMessage: null,
    raftCommandsPerSecond: null,
    core: false,
    discoveryHealthy: status.clusterId !== null,
    primary: false,
    replicationLagTxs: status.lagTxs,
    upstream: status.upstream,
    millisSinceLastPull: status.millisSinceLastPull === null ? null : Math.floor(status.millisSinceLastPull),
  };
}

export async function routeReplicaRequest(
  request: HttpRequest, view: ReplicaMonitorView, authenticate?: (authorization: string | undefined) => Promise<HttpResponse | undefined>,
): Promise<HttpResponse | undefined> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
  const bare = request.path.split('?')[0]!.replace(/\/+$/, '') || '/';
  let check: string | undefined;
  if (bare === `${LEGACY_BASE}/available`) check = 'available';
  else if (bare === '/dbms/cluster/status') check = 'dbms-status';
  else {
    const match = DB_PATH.exec(bare);
    if (match === null) return undefined;
    let name: string;
    try {
      name = decodeURIComponent(match[1]!);
    } catch {
      return undefined;
    }
    if (name !== view.databaseName) return { status: 404, contentType: 'text/plain', body: '' };
    check = match[2] ?? 'status';
  }
  if (authenticate) {
    const refused = await authenticate(request.authorization);
    if (refused) return refused;
  }
  const status = view.status();
  const following = status.clusterId !== null;
  switch (check) {
    case 'available': return plain(following);
    case 'read-only': return plain(following);
    case 'writable': return plain(false);
    case 'status': return { status: 200, contentType: 'application/json', body: JSON.stringify(replicaStatusBody(status)) };
    case 'dbms-status': return {
      status: 200, contentType: 'application/json',
      body: JSON.stringify([{ databaseName: view.databaseName, databaseUuid: status.clusterId, databaseStatus: replicaStatusBody(status) }]),
    };
    default: return undefined;
  }
}
