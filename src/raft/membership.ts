// Membership-change rules (single-server changes, Raft dissertation §4.1 with the 2015 fix).
import { Neo4jError, Status } from '../core/errors.js';
import type { Membership } from './types.js';

export function validateMembershipStep(current: Membership, next: Membership): void {
  const overlap = next.voters.filter((id) => next.learners.includes(id));
  if (overlap.length > 0) throw new Neo4jError(Status.ArgumentError, `members cannot be both voter and learner: ${overlap.join(', ')}`);
  if (next.voters.length === 0) throw new Neo4jError(Status.ArgumentError, 'a membership needs at least one voter');
  const added = next.voters.filter((id) => !current.voters.includes(id));
  const removed = current.voters.filter((id) => !next.voters.includes(id));
  if (added.length + removed.length > 1) {
    throw new Neo4jError(Status.ArgumentError, 'change voters one at a time (add or remove a single voter per change)');
  }
}

/**
 * A new voter must first have caught up as a learner (dissertation §4.2.1): promoting a member
 * that is far behind would leave the cluster waiting on it to commit anything.
 */
export const promotionLagEntriesMax = 64;

export function validatePromotion(current: Membership, next: Membership, matchOf: (id: string) => number, lastIndex: number): void {
  for (const id of next.voters) {
    if (current.voters.includes(id)) continue;
    if (!current.learners.includes(id)) {
      throw new Neo4jError(Status.ArgumentError, `${id} must join as a learner and catch up before it can become a voter`);
    }
    const lag = lastIndex - matchOf(id);
    if (lag > promotionLagEntriesMax) {
      throw new Neo4jError(Status.ReplicationFailure, `learner ${id} is ${lag} entries behind; promote it once it has caught up`);
    }
  }
}
