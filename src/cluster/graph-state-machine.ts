// The replicated state machine of a core member: the graph engine plus the lease, fed the Raft
// log in order. Every member computes the same tx id for each transaction entry (they count tx
// entries from the start of the log), applies the same commands, and skips the same stale-lease
// commands, so stores at the same applied index are identical.
//
// Commands are gathered and applied to the engine as one store batch per Ready (flush()); a
// lease entry flushes first, because the engine judges a batch's leases against the lease in
// force when it applies it.

import { ByteReader, ByteWriter } from '../graph/bytes.js';
import type { CommittedCommand } from '../graph/commands.js';
import type { Entry, Snapshot } from '../raft/types.js';
import type { StateMachine } from '../replication/driver.js';
import { decodePayload, NO_LEASE, type Lease, type MemberPolicy } from './payload.js';

/** 2: lease, tx counter, policies, graph image; 3: and the side state's image before the graph's */
const SNAPSHOT_FORMAT = 3;
const SNAPSHOT_FORMAT_WITHOUT_SIDE = 2;
/**
 * 4: format 3's head with no graph image: the image is this member's own store file, made durable
 * through the head's tx counter before the snapshot was written. Only a member's own compaction
 * writes it; one sent to another member is expanded into format 3 first (expandSnapshot).
 */
const SNAPSHOT_FORMAT_STORE_HELD = 4;

/**
 * A second replicated state the server supplies (the system database), opaque to the cluster:
 * its changes ride the log as bytes and apply in log order, its image rides the snapshots.
 * apply must be deterministic; both apply and restore get the raft index, so a state that
 * outlives a restart on its own can skip what it already holds.
 */
export interface SideState {
  apply(change: Uint8Array, index: number): void;
  image(): Uint8Array;
  restore(image: Uint8Array, index: number): void;
  /** the raft index of the newest change held (0: none) */
  appliedIndex(): number;
}

/** the side image a puller whose side state is at sideIndex lacks, if any */
export function sideImageFor(side: SideState | undefined, sideIndex: number): { index: number; image: Uint8Array } | undefined {
  if (side === undefined || side.appliedIndex() <= sideIndex) return undefined;
  return { index: side.appliedIndex(), image: side.image() };
}

/** What the state machine needs from the graph engine (GraphEngine satisfies it). */
export interface ReplicatedGraph {
  applyCommitted(batch: readonly CommittedCommand[]): void;
  snapshot(): Uint8Array;
  /**
   * Optional: the store's image as of afterTxId or later, built off the event loop (a worker
   * reading the same store); undefined if that failed.
   */
  snapshotAsync?(afterTxId: number, done: (image: Uint8Array | undefined) => void): void;
  restore(image: Uint8Array): void;
  lastAppliedTxId(): number;
  /**
   * Optional: makes everything applied so far durable in the store's own file (LMDB's noSync
   * commits reach the disk). Present when the store outlives a crash: compaction then writes no
   * image, the store is the image (as Neo4j's and etcd's stores are).
   */
  syncStore?(done: (error?: Error) => void): void;
}

/** One applied log entry, reported after its batch reached the store. */
export interface AppliedEntry {
  readonly index: number;
  readonly term: number;
  /** the tx id a transaction entry got (undefined for other entries) */
  readonly txId?: number;
}

function encodeHead(lease: Lease, lastTxId: number, policies: ReadonlyMap<string, MemberPolicy>, sideImage: Uint8Array, format = SNAPSHOT_FORMAT): Uint8Array {
  const writer = new ByteWriter(64).u8(format).varint(lease.id).string(lease.owner).u64(lastTxId);
  writer.varint(policies.size);
  for (const [memberId, policy] of policies) writer.string(memberId).string(policy);
  writer.varint(sideImage.length).bytes(sideImage);
  return writer.finish();
}

/**
 * The first snapshot of a cluster seeded from an existing store: no lease yet, the tx counter at
 * the store's last tx id (so every member numbers the next transactions after it), the store.
 */
export function seedSnapshotData(graph: ReplicatedGraph, side?: SideState): Uint8Array {
  return joinSnapshot(encodeHead(NO_LEASE, graph.lastAppliedTxId(), new Map(), side?.image() ?? new Uint8Array(0)), graph.snapshot());
}

function joinSnapshot(head: Uint8Array, image: Uint8Array): Uint8Array {
  const out = new Uint8Array(head.length + image.length);
  out.set(head);
  out.set(image, head.length);
  return out;
}

/** the head of any snapshot format; the reader is left at the graph image (if the format has one) */
function readHead(input: ByteReader): { format: number; lease: Lease; lastTxId: number; policies: [string, MemberPolicy][]; sideImage?: Uint8Array } {
  const format = input.u8();
  if (format !== SNAPSHOT_FORMAT && format !== SNAPSHOT_FORMAT_WITHOUT_SIDE && format !== SNAPSHOT_FORMAT_STORE_HELD) {
    throw new Error(`invariant violated: unknown cluster snapshot format ${format}`);
  }
  const lease: Lease = { id: input.varint(), owner: input.string() };
  const lastTxId = input.u64();
  const policyCount = input.varint();
  const policies: [string, MemberPolicy][] = [];
  for (let i = 0; i < policyCount; i++) policies.push([input.string(), input.string() as MemberPolicy]);
  if (format === SNAPSHOT_FORMAT_WITHOUT_SIDE) return { format, lease, lastTxId, policies };
  return { format, lease, lastTxId, policies, sideImage: input.bytes(input.varint()) };
}

export class GraphStateMachine implements StateMachine {
  private leaseState: Lease = NO_LEASE;
  /** operators' policies for members other than 'auto' */
  private readonly policies = new Map<string, MemberPolicy>();
  /** tx id of the newest transaction entry applied (the count of tx entries so far) */
  private lastTxId = 0;
  private lastIndex = 0;
  private batch: CommittedCommand[] = [];
  private applied: AppliedEntry[] = [];
  /** present when the graph can build its image off the event loop (see StateMachine) */
  readonly snapshotAsync?: (done: (data: Uint8Array | undefined) => void) => void;

  constructor(
    private readonly graph: ReplicatedGraph,
    private readonly onApplied: (entries: readonly AppliedEntry[]) => void = () => {},
    /** broken variant for the simulator's checker self-test: a restored tx counter one short */
    private readonly unsafeRestoreCounterOffByOne = false,
    private readonly side?: SideState,
  ) {
    const buildImage = graph.snapshotAsync?.bind(graph);
    const syncStore = graph.syncStore?.bind(graph);
    if (syncStore !== undefined) {
      this.snapshotAsync = (done) => {
        // The store holds the image: once it is durable through this head, the log before it can go.
        const head = this.snapshotHead(SNAPSHOT_FORMAT_STORE_HELD);
        syncStore((error) => done(error === undefined ? head : undefined));
      };
    } else if (buildImage !== undefined) {
      this.snapshotAsync = (done) => {
        // The head is as of now; the image may be newer (commits applied while it was built),
        // which restore() and the replay after it handle: entries it already holds are skipped.
        const head = this.snapshotHead();
        buildImage(this.lastTxId, (image) => done(image === undefined ? undefined : joinSnapshot(head, image)));
      };
    }
  }

  get lease(): Lease {
    return this.leaseState;
  }

  /** the raft index of the newest entry applied */
  get appliedIndex(): number {
    return this.lastIndex;
  }

  policyOf(memberId: string): MemberPolicy {
    return this.policies.get(memberId) ?? 'auto';
  }

  get appliedTxId(): number {
    return this.lastTxId;
  }

  apply(entry: Entry): void {
    this.lastIndex = entry.index;
    if (entry.kind !== 'normal') {
      this.applied.push({ index: entry.index, term: entry.term });
      return;
    }
    const payload = decodePayload(entry.data);
    if (payload.kind === 'lease') {
      this.flush();
      this.leaseState = payload.lease;
      this.applied.push({ index: entry.index, term: entry.term });
      return;
    }
    if (payload.kind === 'side') {
      this.side?.apply(payload.data, entry.index);
      this.applied.push({ index: entry.index, term: entry.term });
      return;
    }
    if (payload.kind === 'policy') {
      if (payload.policy === 'auto') this.policies.delete(payload.memberId);
      else this.policies.set(payload.memberId, payload.policy);
      this.applied.push({ index: entry.index, term: entry.term });
      return;
    }
    const txId = ++this.lastTxId;
    this.batch.push({ txId, command: payload.command, encoded: payload.encoded });
    this.applied.push({ index: entry.index, term: entry.term, txId });
  }

  /** applies gathered commands to the store, then reports every entry applied since the last flush */
  flush(): void {
    if (this.batch.length > 0) {
      const batch = this.batch;
      this.batch = [];
      this.graph.applyCommitted(batch);
    }
    if (this.applied.length === 0) return;
    const applied = this.applied;
    this.applied = [];
    this.onApplied(applied);
  }

  snapshot(): Uint8Array {
    return joinSnapshot(this.snapshotHead(), this.graph.snapshot());
  }

  /** lease, tx counter, policies and side state, as of the newest entry applied */
  private snapshotHead(format = SNAPSHOT_FORMAT): Uint8Array {
    this.flush();
    return encodeHead(this.leaseState, this.lastTxId, this.policies, this.side?.image() ?? new Uint8Array(0), format);
  }

  /** true when the snapshot's image is this member's store (see SNAPSHOT_FORMAT_STORE_HELD) */
  static holdsNoImage(snapshot: Snapshot): boolean {
    return snapshot.data[0] === SNAPSHOT_FORMAT_STORE_HELD;
  }

  /**
   * The snapshot as another member can install it: a store-held one gets the store's image (as of
   * its tx counter or later, which installing handles as for any image built while commits went
   * on); any other as it is. undefined if the image could not be built.
   */
  expandSnapshot(snapshot: Snapshot, done: (expanded: Snapshot | undefined) => void): void {
    if (!GraphStateMachine.holdsNoImage(snapshot)) {
      done(snapshot);
      return;
    }
    const head = snapshot.data.slice();
    head[0] = SNAPSHOT_FORMAT;
    const lastTxId = readHead(new ByteReader(head)).lastTxId;
    const expanded = (image: Uint8Array): Snapshot => ({ meta: snapshot.meta, data: joinSnapshot(head, image) });
    const buildImage = this.graph.snapshotAsync?.bind(this.graph);
    if (buildImage === undefined) done(expanded(this.graph.snapshot()));
    else buildImage(lastTxId, (image) => done(image === undefined ? undefined : expanded(image)));
  }

  restore(snapshot: Snapshot): void {
    this.flush();
    const input = new ByteReader(snapshot.data);
    const { format, lease, lastTxId, policies, sideImage } = readHead(input);
    if (sideImage !== undefined && sideImage.length > 0) this.side?.restore(sideImage, snapshot.meta.index);
    const storeTxId = this.graph.lastAppliedTxId();
    if (format === SNAPSHOT_FORMAT_STORE_HELD && storeTxId < lastTxId) {
      throw new Error(`This member's store is at transaction ${storeTxId}, but its Raft log was compacted on the promise that the `
        + `store held transaction ${lastTxId}: the store file lost writes (a power loss before LMDB reached the disk) or was replaced. `
        + 'The other cores hold the data: stop this member, move its store and its cluster state aside (or run `causeway admin unbind` '
        + 'and remove the store), and start it again to have it copy the store from the leader.');
    }
    // A store already past the snapshot (a restart: the store outlived the log's compaction)
    // holds a longer committed prefix of the same history; the entries after the snapshot
    // replay over it and are skipped where already applied.
    if (format !== SNAPSHOT_FORMAT_STORE_HELD && storeTxId < lastTxId) this.graph.restore(snapshot.data.subarray(input.offset));
    this.leaseState = lease;
    this.lastTxId = this.unsafeRestoreCounterOffByOne ? Math.max(0, lastTxId - 1) : lastTxId;
    this.policies.clear();
    for (const [memberId, policy] of policies) this.policies.set(memberId, policy);
    this.lastIndex = snapshot.meta.index;
  }
}
