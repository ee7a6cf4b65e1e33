// A leadership transfer asked for by an operator's procedure, followed until its outcome is known:
// resolved when the target leads, rejected (retriably) when another member took over or the
// transfer kept lapsing. Raft abandons a transfer after an election timeout (the target never got,
// or never acted on, timeoutNow), so it is asked again up to TRANSFER_ATTEMPTS times.

import { Neo4jError, Status } from '../core/errors.js';
import type { RawNode } from '../raft/raw-node.js';

/** a lapsed leadership transfer is asked again, this many tries in all */
const TRANSFER_ATTEMPTS = 3;

interface PendingTransfer {
  readonly to: string;
  attempts: number;
  readonly deadlineMs: number;
  resolve(): void;
  reject(error: Neo4jError): void;
}

export class LeadershipTransfer {
  private pending: PendingTransfer | undefined;

  constructor(private readonly electionTimeoutMs: number) {}

  /** asks the leader's node to hand over to `to`; a transfer still waiting is replaced */
  start(node: RawNode, to: string, nowMs: number): Promise<void> {
    this.pending?.reject(new Neo4jError(Status.NotALeader, `The leadership transfer to ${this.pending.to} was replaced by one to ${to}.`));
    node.transferLeadership(to);
    return new Promise((resolve, reject) => {
      this.pending = { to, attempts: 1, deadlineMs: nowMs + TRANSFER_ATTEMPTS * 2 * this.electionTimeoutMs, resolve, reject };
    });
  }

  /** settles or retries the transfer (each tick); true when it asked Raft again, so the caller pumps */
  check(node: RawNode | undefined, nowMs: number): boolean {
    const transfer = this.pending;
    const raft = node?.raft;
    if (transfer === undefined || raft === undefined) return false;
    let askedAgain = false;
    if (raft.role !== 'leader') {
      if (raft.lead === transfer.to) return this.settle();
      if (raft.lead !== null) return this.settle(new Neo4jError(Status.NotALeader, `Leadership went to ${raft.lead}, not ${transfer.to}, during the transfer.`));
    } else if (raft.transferee === null) {
      if (transfer.attempts >= TRANSFER_ATTEMPTS) {
        return this.settle(new Neo4jError(Status.ReplicationFailure, `The leadership transfer to ${transfer.to} lapsed ${transfer.attempts} times; this member still leads.`));
      }
      transfer.attempts++;
      node!.transferLeadership(transfer.to);
      askedAgain = true;
    }
    if (nowMs > transfer.deadlineMs) this.settle(new Neo4jError(Status.ReplicationFailure, `The leadership transfer to ${transfer.to} did not complete in time.`));
    return askedAgain;
  }

  /** fails a transfer still waiting (the member is closing) */
  abandon(error: Neo4jError): void {
    this.settle(error);
  }

  private settle(error?: Neo4jError): false {
    const transfer = this.pending;
    this.pending = undefined;
    if (error === undefined) transfer?.resolve();
    else transfer?.reject(error);
    return false;
  }
}
