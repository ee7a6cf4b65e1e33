// Majority quorum math as pure functions over the voter list.
import type { MemberId } from './types.js';

export function quorumSize(voterCount: number): number {
  return Math.floor(voterCount / 2) + 1;
}

/**
 * The highest index that a majority of voters has matched: sort matches descending and take the
 * quorum-th. Voters with no known match count as 0. An empty voter set commits nothing.
 */
export function committedIndex(voters: readonly MemberId[], matchOf: (id: MemberId) => number): number {
  if (voters.length === 0) return 0;
  const matches = voters.map(matchOf).sort((a, b) => b - a);
  return matches[quorumSize(voters.length) - 1] ?? 0;
}

export type VoteOutcome = 'won' | 'lost' | 'pending';

/** Counts only voters' answers; a majority either way decides. */
export function voteOutcome(voters: readonly MemberId[], votes: ReadonlyMap<MemberId, boolean>): VoteOutcome {
  let granted = 0;
  let rejected = 0;
  for (const id of voters) {
    const vote = votes.get(id);
    if (vote === true) granted++;
    else if (vote === false) rejected++;
  }
  const needed = quorumSize(voters.length);
  if (granted >= needed) return 'won';
  if (rejected > voters.length - needed) return 'lost';
  return 'pending';
}

/** Whether the given set of voters (which may contain non-voters) forms a majority. */
export function hasQuorum(voters: readonly MemberId[], present: ReadonlySet<MemberId>): boolean {
  let count = 0;
  for (const id of voters) if (present.has(id)) count++;
  return voters.length > 0 && count >= quorumSize(voters.length);
}
