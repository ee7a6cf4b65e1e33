// What this member knows about the others from discovery: each member's self-description and
// when it was last heard from, directly. A member not heard from within the timeout has left
// discovery (it is dropped from the overview, and after longer from the Raft voter set).
// Pure: the shell passes the time in.

export type MemberMode = 'CORE' | 'READ_REPLICA';

/** What a member says about itself, every discovery round. */
export interface MemberInfo {
  /** the member id (a UUID), also its Raft id */
  readonly memberId: string;
  readonly mode: MemberMode;
  /** the cluster it is bound to, or null before formation */
  readonly clusterId: string | null;
  /** the voters the cluster was formed with (empty before formation) */
  readonly initialVoters: readonly string[];
  /** advertised addresses, host:port */
  readonly discoveryAddress: string;
  readonly raftAddress: string;
  readonly catchupAddress: string;
  readonly boltAddress: string;
  readonly httpAddress: string | null;
  readonly groups: readonly string[];
  readonly refuseToBeLeader: boolean;
  /** the default database's name */
  readonly database: string;
  /** its own view, for the overview on members that cannot see the leader themselves */
  readonly raftRole: string;
  readonly term: number;
  readonly appliedIndex: number;
  /** the last tx id in this member's store (what an unbound core would seed a cluster with) */
  readonly storeTxId: number;
  /** the tx id of the store the cluster was seeded with (0: formed empty, or not bound) */
  readonly seedTxId: number;
  /** the member whose store seeded the cluster, if any */
  readonly seederId: string | null;
}

interface Seen {
  info: MemberInfo;
  lastHeardMs: number;
}

/** the number of members remembered at most: beyond it the longest silent is forgotten */
const MEMBERS_REMEMBERED_MAX = 256;

export class DiscoveryTable {
  private readonly members = new Map<string, Seen>();

  constructor(readonly selfId: string, private readonly aliveTimeoutMs: number) {}

  heard(info: MemberInfo, nowMs: number): void {
    if (info.memberId === this.selfId) return;
    this.members.set(info.memberId, { info, lastHeardMs: nowMs });
    if (this.members.size > MEMBERS_REMEMBERED_MAX) {
      let oldest: string | undefined;
      let oldestMs = Infinity;
      for (const [id, seen] of this.members) if (seen.lastHeardMs < oldestMs) [oldest, oldestMs] = [id, seen.lastHeardMs];
      if (oldest !== undefined) this.members.delete(oldest);
    }
  }

  /** members heard from within the alive timeout (not including this one) */
  alive(nowMs: number): MemberInfo[] {
    const out: MemberInfo[] = [];
    for (const seen of this.members.values()) if (nowMs - seen.lastHeardMs <= this.aliveTimeoutMs) out.push(seen.info);
    return out.sort((a, b) => a.memberId.localeCompare(b.memberId));
  }

  info(memberId: string): MemberInfo | undefined {
    return this.members.get(memberId)?.info;
  }

  /** ms since the member was last heard from; Infinity when never */
  silentForMs(memberId: string, nowMs: number): number {
    const seen = this.members.get(memberId);
    return seen === undefined ? Infinity : nowMs - seen.lastHeardMs;
  }

  /** every member ever heard from (for addresses of members now silent) */
  known(): MemberInfo[] {
    return [...this.members.values()].map((seen) => seen.info);
  }
}
