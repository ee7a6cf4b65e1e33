// Linearizable reads without a log write (Raft dissertation §6.4): the leader notes its commit
// index, confirms it is still leader with one heartbeat round acknowledged by a majority, and the
// read may then be served once that index is applied.
import type { MemberId } from './types.js';
import { hasQuorum } from './quorum.js';

export interface ReadState {
  /** the caller's token from readIndex() */
  readonly context: number;
  /** serve the read once the local state machine has applied this index */
  readonly index: number;
}

interface PendingRead {
  readonly context: number;
  readonly index: number;
  readonly round: number;
  readonly acks: Set<MemberId>;
}

export class ReadIndexQueue {
  private round = 0;
  private pending: PendingRead[] = [];

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.pending.length;
  }

  full(): boolean {
    return this.pending.length >= this.capacity;
  }

  /** queues a read; returns the heartbeat round that must be acknowledged */
  add(context: number, index: number, self: MemberId): number {
    this.round++;
    this.pending.push({ context, index, round: this.round, acks: new Set([self]) });
    return this.round;
  }

  /**
   * A heartbeat of round `round` was acknowledged by `from`. Acknowledging a round also confirms
   * every earlier one, so reads are released in order once the newest confirmed one has a quorum.
   */
  ack(from: MemberId, round: number, voters: readonly MemberId[]): ReadState[] {
    let releaseUpTo = -1;
    for (let i = 0; i < this.pending.length; i++) {
      const read = this.pending[i] as PendingRead;
      if (read.round > round) break;
      read.acks.add(from);
      if (hasQuorum(voters, read.acks)) releaseUpTo = i;
    }
    if (releaseUpTo < 0) return [];
    const released = this.pending.splice(0, releaseUpTo + 1);
    return released.map((read) => ({ context: read.context, index: read.index }));
  }

  /** leadership lost: every pending read is abandoned (callers time out and retry) */
  clear(): void {
    this.pending = [];
  }
}
