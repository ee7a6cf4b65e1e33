// Liveness after healing, judged on recorded data (a pure function; see docs/raft.md for why the
// bounds hold). Once every fault is gone and every member restarted:
//   1. within settleTicksMax, some leader is acknowledged by every member of its configuration
//      (all up, in its term, following it) — a deposed leader that still believes it leads does
//      not count;
//   2. within the same bound that leader has committed an entry of its own term, and the commit
//      index has moved past where it stood at healing;
//   3. of the client operations started once the cluster settled, at least opSuccessMin of the
//      reads and of the writes succeed (each kind judged separately, so reads that are never
//      released fail the seed even though every write succeeds);
//   4. once settled in term T, no member's term goes beyond T: with pre-vote and check-quorum on
//      and no faults left, nothing explains another election (the disruption rule for a healed
//      cluster). Settling is looked for only after a leadership transfer requested before
//      healing can no longer fire (settleWatchAfterTicks).
import type { OpOutcome, TermChange } from './history.js';

/**
 * a transfer started just before healing may still send timeoutNow for one election timeout,
 * which then takes up to the longest message delay: settling is looked for only after this
 */
export function settleWatchAfterTicks(electionTicks: number, delayTicksMax: number): number {
  return 2 * electionTicks + delayTicksMax;
}

export const livenessBounds = {
  /** ticks from healing until a leader acknowledged by its whole configuration has committed */
  settleTicksMax: 200,
  /** share of reads, and of writes, started after settling that must succeed */
  opSuccessMin: 0.8,
  /** fewer operations of a kind than this are too few to judge a share (at least one must succeed) */
  opsToJudgeMin: 5,
} as const;

export interface LivenessRecord {
  readonly healedAt: number;
  /** first tick a leader was acknowledged by its whole configuration (-1: never) */
  readonly settledAt: number;
  /** that leader's term */
  readonly settledTerm: number;
  /** first tick such a leader had committed an entry of its own term (-1: never) */
  readonly ownTermCommitAt: number;
  readonly commitAtHeal: number;
  readonly commitAtEnd: number;
  /** when clients stopped starting operations */
  readonly clientsStoppedAt: number;
  readonly ops: readonly OpOutcome[];
  readonly termChanges: readonly TermChange[];
}

/** per kind: operations started after the settled leader committed in its term, and how many succeeded */
export function opShares(r: LivenessRecord): { kind: 'read' | 'write'; ok: number; judged: number }[] {
  return (['read', 'write'] as const).map((kind) => {
    const judged = r.ops.filter((op) => op.kind === kind && op.invokedAt > r.ownTermCommitAt && op.invokedAt <= r.clientsStoppedAt);
    return { kind, ok: judged.filter((op) => op.ok).length, judged: judged.length };
  });
}

export function checkLiveness(r: LivenessRecord, bounds = livenessBounds): string[] {
  const out: string[] = [];
  const deadline = r.healedAt + bounds.settleTicksMax;
  if (r.settledAt < 0 || r.settledAt > deadline) {
    out.push(`liveness: no leader acknowledged by its whole configuration within ${bounds.settleTicksMax} ticks of healing (settled at ${r.settledAt})`);
    return out;
  }
  if (r.ownTermCommitAt < 0 || r.ownTermCommitAt > deadline) {
    out.push(`liveness: the settled leader committed no entry of its term within ${bounds.settleTicksMax} ticks of healing`);
  }
  if (r.commitAtEnd <= r.commitAtHeal) out.push(`liveness: the commit index never moved after healing (${r.commitAtHeal} -> ${r.commitAtEnd})`);
  for (const { kind, ok, judged } of opShares(r)) {
    const tooFew = judged < bounds.opsToJudgeMin;
    if ((tooFew && judged > 0 && ok === 0) || (!tooFew && ok / judged < bounds.opSuccessMin)) {
      out.push(`liveness: only ${ok} of ${judged} ${kind}s started after the cluster settled succeeded (need ${bounds.opSuccessMin * 100}%)`);
    }
  }
  const beyond = r.termChanges.find((c) => c.tick > r.settledAt && c.to > r.settledTerm);
  if (beyond !== undefined) {
    out.push(`disruption: ${beyond.member} raised its term ${beyond.from} -> ${beyond.to} at tick ${beyond.tick}, after the cluster settled in term ${r.settledTerm} at ${r.settledAt} with no fault left`);
  }
  return out;
}
