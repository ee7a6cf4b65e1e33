// The recently applied transactions of a core, for read replicas that pull (the catch-up
// protocol): each committed command with its tx id, as applied — a command skipped for a stale
// lease is kept with no operations, so a replica applies exactly what the cores did. Bounded by
// count and bytes; a replica further behind than the feed reaches gets a store copy instead.

import { encodeTxCommand, type CommittedCommand } from '../graph/commands.js';
import { refuseOtherDatabase, type PullAnswer, type SideImage } from './catchup.js';
import { sideImageFor, type SideState } from './graph-state-machine.js';

/** builds the store's image (as of afterTxId or later) off the event loop; undefined if that failed */
export type StoreImageBuilder = (afterTxId: number, done: (image: Uint8Array | undefined) => void) => void;

/** a pull answer carries at most this many transactions, of about this many bytes */
const PULL_COMMANDS_MAX = 1000;
const PULL_BYTES_MAX = 4 * 1024 * 1024;

/**
 * How long a member holds a pull that names a transaction it has not applied yet (wantedTxId):
 * well under the puller's timeout, long enough for a commit to reach a follower core.
 */
export const PULL_HOLD_MS = 200;

/**
 * Answers a pull once wantedTxId is applied here, or after PULL_HOLD_MS. A read on the puller
 * waits for that transaction, and an answer of "nothing new" would only make it ask again. The
 * wait goes through the engine like a waiting read, so a core asks its leader for the commit
 * index at once (commit query) and a replica pulls from its own upstream.
 */
export function answerWhenApplied(
  engine: { lastAppliedTxId(): number; waitForApplied(txId: number, timeoutMs: number): Promise<void> },
  wantedTxId: number,
  answer: () => PullAnswer | Promise<PullAnswer>,
): PullAnswer | Promise<PullAnswer> {
  if (wantedTxId <= engine.lastAppliedTxId()) return answer();
  return engine.waitForApplied(wantedTxId, PULL_HOLD_MS).then(answer, answer);
}

/** what a member's answer to a pull reads of its graph engine */
export interface PulledGraph {
  readonly name: string;
  lastAppliedTxId(): number;
  snapshot(): Uint8Array;
  waitForApplied(txId: number, timeoutMs: number): Promise<void>;
}

/**
 * A member's whole answer to a pull (a core's or a replica's): refused for a database it does not
 * hold, held until wantedTxId is applied, then the feed's transactions (or the store) and the side
 * state's image if the puller's is older.
 */
export function answerMemberPull(
  feed: AppliedTxFeed, graph: PulledGraph, afterTxId: number, sideIndex: number, database: string | undefined, wantedTxId: number,
  buildImage?: StoreImageBuilder, sideState?: SideState,
): PullAnswer | Promise<PullAnswer> {
  refuseOtherDatabase(database, graph.name);
  return answerWhenApplied(graph, wantedTxId, () => feed.answerPull(afterTxId, graph, buildImage, sideImageFor(sideState, sideIndex)));
}

export interface FeedLimits {
  readonly commandsMax: number;
  readonly bytesMax: number;
}

export const DEFAULT_FEED_LIMITS: FeedLimits = { commandsMax: 10_000, bytesMax: 64 * 1024 * 1024 };

interface FeedItem {
  readonly txId: number;
  readonly bytes: Uint8Array;
}

export type FeedAnswer =
  | { readonly kind: 'txs'; readonly txs: readonly { readonly txId: number; readonly bytes: Uint8Array }[] }
  /** the replica is level with this core */
  | { readonly kind: 'none' }
  /** the feed no longer reaches back to afterTxId + 1: the replica needs a store copy */
  | { readonly kind: 'too-old' };

export class AppliedTxFeed {
  private items: FeedItem[] = [];
  private head = 0;
  private bytes = 0;

  constructor(private readonly limits: FeedLimits = DEFAULT_FEED_LIMITS) {}

  record(batch: readonly CommittedCommand[]): void {
    for (const { txId, command, encoded } of batch) {
      const last = this.items[this.items.length - 1];
      // a gap (a store copy installed on this core) restarts the feed
      if (last !== undefined && txId !== last.txId + 1) this.clear();
      // the log entry's own bytes when the command came from one: the same bytes, no second encoding
      const bytes = encoded ?? encodeTxCommand(command);
      this.items.push({ txId, bytes });
      this.bytes += bytes.length;
    }
    while (this.items.length - this.head > this.limits.commandsMax || (this.bytes > this.limits.bytesMax && this.items.length - this.head > 1)) {
      this.bytes -= this.items[this.head]!.bytes.length;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  clear(): void {
    this.items = [];
    this.head = 0;
    this.bytes = 0;
  }

  /** up to maxCommands (and about maxBytes) transactions after afterTxId, given this core has applied appliedTxId */
  since(afterTxId: number, appliedTxId: number, maxCommands: number, maxBytes: number): FeedAnswer {
    if (afterTxId >= appliedTxId) return { kind: 'none' };
    const first = this.items[this.head];
    if (first === undefined || first.txId > afterTxId + 1) return { kind: 'too-old' };
    const start = this.head + (afterTxId + 1 - first.txId);
    const txs: { txId: number; bytes: Uint8Array }[] = [];
    let size = 0;
    for (let i = start; i < this.items.length && txs.length < maxCommands; i++) {
      const item = this.items[i]!;
      if (txs.length > 0 && size + item.bytes.length > maxBytes) break;
      txs.push(item);
      size += item.bytes.length;
    }
    return txs.length === 0 ? { kind: 'none' } : { kind: 'txs', txs };
  }

  /**
   * What a member answers a pull with: the feed's transactions, or its whole store when the feed
   * no longer reaches back — built off the event loop by buildImage when the member has one.
   */
  answerPull(
    afterTxId: number, graph: { lastAppliedTxId(): number; snapshot(): Uint8Array }, buildImage?: StoreImageBuilder, side?: SideImage,
  ): PullAnswer | Promise<PullAnswer> {
    if (side === undefined) return this.answerTxs(afterTxId, graph, buildImage);
    const answer = this.answerTxs(afterTxId, graph, buildImage);
    return answer instanceof Promise ? answer.then((ready) => ({ ...ready, side })) : { ...answer, side };
  }

  private answerTxs(
    afterTxId: number, graph: { lastAppliedTxId(): number; snapshot(): Uint8Array }, buildImage?: StoreImageBuilder,
  ): PullAnswer | Promise<PullAnswer> {
    const appliedTxId = graph.lastAppliedTxId();
    const answer = this.since(afterTxId, appliedTxId, PULL_COMMANDS_MAX, PULL_BYTES_MAX);
    if (answer.kind === 'too-old' && buildImage !== undefined) {
      return new Promise((resolve, reject) => buildImage(appliedTxId, (image) => {
        if (image === undefined) reject(new Error('the store image could not be built'));
        else resolve({ kind: 'store', image });
      }));
    }
    if (answer.kind === 'too-old') return { kind: 'store', image: graph.snapshot() };
    if (answer.kind === 'none') return { kind: 'none', appliedTxId };
    return { kind: 'txs', appliedTxId, txs: answer.txs };
  }
}
