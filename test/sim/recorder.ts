// Records a run for the history checkers: term changes with their cause, granted pre-votes,
// every apply and snapshot install per incarnation, and what each member promised others in the
// messages that left it. Durability is judged at each restart, against the state read back from
// the simulated disk; the rest when the run ends (history-checkers.ts).
import type { Raft } from '../../src/raft/raft.js';
import type { Message } from '../../src/raft/messages.js';
import type { Role } from '../../src/raft/config.js';
import type { MemberId } from '../../src/raft/types.js';
import type { RecoveredState } from '../../src/replication/storage.js';
import type { ApplyRun, MemberPromise, PreVoteGrant, RecoveredView, TermCause, TermChange } from './history.js';
import { emptyPromise } from './history.js';
import { checkExactlyOnceApply, checkTermProvenance, notePromise, recoveryViolations } from './history-checkers.js';

export function recoveredView(state: RecoveredState): RecoveredView {
  const snapshotIndex = state.snapshot?.meta.index ?? 0;
  const entries = state.entries;
  return {
    term: state.hardState.term,
    vote: state.hardState.vote,
    snapshotIndex,
    lastIndex: snapshotIndex + entries.length,
    termAt: (index) => (index === snapshotIndex ? state.snapshot?.meta.term : entries[index - snapshotIndex - 1]?.term),
  };
}

export class HistoryRecorder {
  readonly termChanges: TermChange[] = [];
  readonly grants: PreVoteGrant[] = [];
  readonly applyRuns: ApplyRun[] = [];
  /** violations found while running (durability, at restarts) */
  readonly violations: string[] = [];
  private readonly runs = new Map<MemberId, ApplyRun>();
  private readonly promises = new Map<MemberId, MemberPromise>();
  private readonly seen = new Map<MemberId, { term: number; role: Role }>();

  constructor(private readonly now: () => number, private readonly asyncWrites = false) {}

  /** a member (re)started from what its disk returned */
  onStart(id: MemberId, recovered: RecoveredState): void {
    const view = recoveredView(recovered);
    const promise = this.promises.get(id);
    if (promise !== undefined) {
      for (const v of recoveryViolations(id, promise, view, this.asyncWrites)) this.fail(v);
    }
    const run: ApplyRun = { member: id, incarnation: this.applyRuns.filter((r) => r.member === id).length + 1, startIndex: view.snapshotIndex, steps: [] };
    this.applyRuns.push(run);
    this.runs.set(id, run);
    this.seen.set(id, { term: recovered.hardState.term, role: 'follower' });
  }

  /** a message left member message.from, whose log was this at that moment */
  onSend(message: Message, log: { term(index: number): number | undefined } | undefined): void {
    let promise = this.promises.get(message.from);
    if (promise === undefined) this.promises.set(message.from, (promise = emptyPromise()));
    notePromise(promise, message, log);
  }

  /** after member id handled one input; notes term changes with their cause */
  afterInput(id: MemberId, raft: Raft, input: Message | 'tick' | 'local'): void {
    const before = this.seen.get(id);
    if (before === undefined) return;
    if (typeof input !== 'string' && input.kind === 'preVoteResp' && input.granted) {
      this.grants.push({ tick: this.now(), to: id, from: input.from, term: input.term });
    }
    if (raft.term !== before.term) {
      const cause: TermCause = typeof input === 'string' ? { kind: input } : { kind: 'message', message: input.kind, from: input.from, term: input.term };
      this.termChanges.push({ tick: this.now(), member: id, from: before.term, to: raft.term, cause, roleBefore: before.role, roleAfter: raft.role, voters: raft.membership.voters });
      before.term = raft.term;
    }
    before.role = raft.role;
  }

  onApply(id: MemberId, index: number): void {
    this.runs.get(id)?.steps.push(index);
  }

  onRestore(id: MemberId, snapshotIndex: number): void {
    this.runs.get(id)?.steps.push(-snapshotIndex);
  }

  /** the checks that judge the whole history */
  finish(committedMax: number): string[] {
    const out = [...checkTermProvenance(this.termChanges, this.grants)];
    for (const run of this.applyRuns) out.push(...checkExactlyOnceApply(run, committedMax));
    return out.slice(0, 10);
  }

  private fail(message: string): void {
    if (this.violations.length < 20) this.violations.push(`tick ${this.now()}: ${message}`);
  }
}
