// Simulated clients: each runs one register operation at a time against whichever member it
// believes leads, and records a history for the linearizability checker.
//   write: ok when the member it was proposed to applies it; unknown (ret = Infinity) when that
//          member crashes or the client gives up waiting; dropped when the proposal is refused
//          (it then certainly never entered the log).
//   read:  a read-index read; ok once the member has applied up to the confirmed index; any
//          failure or timeout drops it (reads change nothing, so a dropped read is harmless).
import type { SeededRandom } from '../../src/env/random.js';
import type { ReadState } from '../../src/raft/read-index.js';
import type { Entry, MemberId } from '../../src/raft/types.js';
import type { KvCommand } from './kv.js';
import { encodeCommand } from './kv.js';
import type { OpOutcome } from './history.js';
import type { RegisterOp } from './linearizability.js';
import type { SimMember } from './member.js';

interface PendingOp {
  readonly opId: number;
  readonly client: number;
  readonly kind: 'read' | 'write';
  readonly key: string;
  readonly value: string | null;
  readonly member: MemberId;
  readonly call: number;
  readonly deadline: number;
  /** reads: the confirmed index to wait for (0 until confirmed) */
  readIndex: number;
  readonly outcome: OpOutcome;
}

export interface WorkloadStats {
  invoked: number;
  ok: number;
  unknown: number;
  refused: number;
  /** acknowledged writes and the log index each was applied at */
  readonly ackedWrites: Map<number, number>;
}

export class Workload {
  readonly history: RegisterOp[] = [];
  /** every operation a member accepted, and how it ended (for the liveness checker) */
  readonly outcomes: OpOutcome[] = [];
  private now = 0;
  readonly stats: WorkloadStats = { invoked: 0, ok: 0, unknown: 0, refused: 0, ackedWrites: new Map() };
  private readonly pending = new Map<number, PendingOp>();
  private readonly busy = new Set<number>();
  private nextOpId = 1;
  /** a logical clock for call/return order: strictly increasing across all events */
  private eventClock = 0;
  private lastLeader: MemberId | null = null;
  /** each client's cached idea of the leader, like a driver's routing table */
  private readonly believedLeader = new Map<number, MemberId>();

  constructor(
    private readonly random: SeededRandom,
    private readonly clients: number,
    private readonly keys: number,
    private readonly timeoutTicks: number,
  ) {}

  /** starts operations for idle clients */
  step(now: number, members: readonly SimMember[], opRate: number, leaderHint: MemberId | null): void {
    this.now = now;
    if (leaderHint !== null) this.lastLeader = leaderHint;
    for (let client = 0; client < this.clients; client++) {
      if (this.busy.has(client) || !this.random.chance(opRate)) continue;
      const target = this.chooseTarget(client, members);
      if (target === null) continue;
      this.invoke(client, target, now);
    }
    for (const op of [...this.pending.values()]) {
      if (now >= op.deadline) this.giveUp(op);
    }
  }

  private chooseTarget(client: number, members: readonly SimMember[]): SimMember | null {
    // The cached leader until it fails us, then the current one, and sometimes anyone (which
    // exercises refusals).
    const up = members.filter((m) => m.up);
    if (up.length === 0) return null;
    const cached = up.find((m) => m.id === this.believedLeader.get(client));
    if (cached !== undefined && this.random.chance(0.95)) return cached;
    const leader = up.find((m) => m.id === this.lastLeader);
    if (leader !== undefined && this.random.chance(0.9)) {
      this.believedLeader.set(client, leader.id);
      return leader;
    }
    return this.random.pick(up);
  }

  private invoke(client: number, member: SimMember, now: number): void {
    const node = member.node;
    if (node === null) return;
    if (node.raft.role !== 'leader' && this.random.chance(0.9)) {
      // What NotALeader would say, without paying for an exception on every attempt.
      this.stats.refused++;
      this.believedLeader.delete(client);
      return;
    }
    const opId = this.nextOpId++;
    const key = `k${this.random.int(this.keys)}`;
    const isWrite = this.random.chance(0.5);
    const call = ++this.eventClock;
    this.stats.invoked++;
    try {
      if (isWrite) {
        const command: KvCommand = { opId, key, value: `v${opId}` };
        node.propose(encodeCommand(command));
      } else {
        node.readIndex(opId);
      }
    } catch {
      this.stats.refused++;
      this.believedLeader.delete(client);
      return;
    }
    this.busy.add(client);
    const outcome: OpOutcome = { invokedAt: now, kind: isWrite ? 'write' : 'read', ok: false, endedAt: -1 };
    this.outcomes.push(outcome);
    this.pending.set(opId, {
      outcome,
      opId,
      client,
      kind: isWrite ? 'write' : 'read',
      key,
      value: isWrite ? `v${opId}` : null,
      member: member.id,
      call,
      deadline: now + this.timeoutTicks,
      readIndex: 0,
    });
    // A member may answer within the same call (a single-voter read); pump settles it.
    member.driver?.pump();
  }

  /** a member applied an entry: acknowledges the write it carries, if that member took it */
  onApply(member: SimMember, entry: Entry, command: KvCommand | null): void {
    if (command !== null) {
      const op = this.pending.get(command.opId);
      if (op !== undefined && op.member === member.id && op.kind === 'write') {
        this.complete(op, op.value);
        this.stats.ackedWrites.set(op.opId, entry.index);
      }
    }
    this.serveReads(member);
  }

  onReadState(member: SimMember, state: ReadState): void {
    const op = this.pending.get(state.context);
    if (op === undefined || op.member !== member.id) return;
    op.readIndex = Math.max(state.index, 1);
    this.serveReads(member);
  }

  /** reads whose confirmed index this member has applied are answered from its state */
  serveReads(member: SimMember): void {
    const driver = member.driver;
    const kv = member.kv;
    if (driver === null || kv === null) return;
    for (const op of this.pending.values()) {
      if (op.kind !== 'read' || op.member !== member.id || op.readIndex === 0) continue;
      if (driver.appliedIndex < op.readIndex) continue;
      this.complete(op, kv.values.get(op.key) ?? null);
    }
  }

  /** the member crashed: its writes' fate is unknown, its reads are dropped */
  onCrash(member: MemberId): void {
    for (const op of [...this.pending.values()]) if (op.member === member) this.giveUp(op);
  }

  private complete(op: PendingOp, value: string | null): void {
    op.outcome.ok = true;
    op.outcome.endedAt = this.now;
    this.pending.delete(op.opId);
    this.busy.delete(op.client);
    this.stats.ok++;
    this.history.push({ key: op.key, kind: op.kind, value, call: op.call, ret: ++this.eventClock });
  }

  private giveUp(op: PendingOp): void {
    op.outcome.endedAt = this.now;
    this.believedLeader.delete(op.client);
    this.pending.delete(op.opId);
    this.busy.delete(op.client);
    if (op.kind === 'write') {
      this.stats.unknown++;
      this.history.push({ key: op.key, kind: 'write', value: op.value, call: op.call, ret: Infinity });
    }
  }

  pendingCount(): number {
    return this.pending.size;
  }
}
