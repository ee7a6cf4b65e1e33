// One simulated cluster member: a disk that outlives crashes, and (while up) the WAL, the Raft
// node, the driver and the key-value state machine built on top of it.
import type { SeededRandom } from '../../src/env/random.js';
import type { RaftConfig, UnsafeVariants } from '../../src/raft/raft.js';
import { RawNode } from '../../src/raft/raw-node.js';
import type { ReadState } from '../../src/raft/read-index.js';
import type { Ready } from '../../src/raft/raw-node.js';
import type { Entry, MemberId, Membership } from '../../src/raft/types.js';
import { ReplicationDriver } from '../../src/replication/driver.js';
import type { ReadyStep, Transport } from '../../src/replication/driver.js';
import type { RecoveredState } from '../../src/replication/storage.js';
import { Wal } from '../../src/replication/wal/wal.js';
import type { SafetyChecker } from './checkers.js';
import type { KvCommand } from './kv.js';
import { KvStateMachine } from './kv.js';
import type { SimDisk } from './sim-disk.js';
import { SimIoError } from './sim-disk.js';

export interface MemberParams {
  readonly id: MemberId;
  readonly disk: SimDisk;
  readonly initialMembership: Membership;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly compactAfterEntries: number;
  readonly maxAppendBytes: number;
  readonly maxInflightAppends: number;
  readonly random: SeededRandom;
  readonly unsafe: UnsafeVariants;
  readonly refuseToBeLeader: boolean;
  readonly shellBugs: ShellBugs;
  readonly asyncWrites?: boolean;
}

/**
 * Deliberately broken shells around the (correct) core, for the broken-variant runs: the bugs a
 * member's own wiring can add even when the driver and core are right.
 */
export interface ShellBugs {
  /** sends a Ready's messages before persisting it (a vote may leave before it is durable) */
  readonly replyBeforePersist?: boolean;
  /** asynchronous writes: the driver sends a Ready's messages before its fsync returns */
  readonly releaseBeforeFsync?: boolean;
  /** on restart, replays the recovered committed entries into the state machine itself, after which the driver applies them again */
  readonly reapplyOnRestart?: boolean;
}

export interface MemberEvents {
  /** a Ready is durable and about to be sent; the simulation may decide to crash right here */
  onPersisted(member: SimMember, ready: Ready): void;
  onApply(member: SimMember, entry: Entry, command: KvCommand | null): void;
  onReadState(member: SimMember, state: ReadState): void;
  /** recovery read this back from the disk (before the node exists); nothing, if it refused to start */
  onRecovered(member: SimMember, recovered: RecoveredState): void;
  onRestore(member: SimMember, snapshotIndex: number): void;
  /** the process may die before this step of handling a Ready */
  crashPoint(member: SimMember, step: ReadyStep, ready: Ready): boolean;
}

export type StartOutcome = 'started' | 'io-error';

export class SimMember {
  node: RawNode | null = null;
  driver: ReplicationDriver | null = null;
  kv: KvStateMachine | null = null;
  wal: Wal | null = null;
  downUntil = 0;
  crashes = 0;
  /** refuse_to_be_leader as of the next start (an operator may turn it off and restart) */
  refuseToBeLeader: boolean;
  /** a paused process (GC stall, SIGSTOP): no ticks until then; inbound messages wait */
  pausedUntil = 0;
  /** inbound messages that arrived during a pause, delivered once it has resumed */
  held: import('../../src/raft/messages.js').Message[] = [];
  /** a crash the nemesis armed: the next Ready that writes or sends dies before this step */
  armedCrash: ReadyStep | null = null;
  /** compaction images being built "off the event loop" (asynchronous mode): delivered after some ticks */
  private images: { ticksLeft: number; deliver: () => void }[] = [];
  /** messages the broken replyBeforePersist shell already sent (the driver's send is then skipped) */
  private readonly sentEarly = new Set<import('../../src/raft/messages.js').Message>();

  constructor(
    readonly params: MemberParams,
    private readonly transport: Transport,
    private readonly checker: SafetyChecker,
    private readonly events: MemberEvents,
  ) {
    this.refuseToBeLeader = params.refuseToBeLeader;
  }

  get id(): MemberId {
    return this.params.id;
  }

  get up(): boolean {
    return this.node !== null;
  }

  /** recovers from the disk; an injected read error leaves the member down (retry later) */
  start(): StartOutcome {
    const p = this.params;
    let wal: Wal;
    try {
      wal = new Wal(p.disk, { dir: `/${p.id}/wal`, segmentBytesMax: 16 * 1024 });
    } catch (error) {
      if (error instanceof SimIoError) return 'io-error';
      // Refusing damaged storage is right, but the checkers judge what was lost: nothing came back.
      this.events.onRecovered(this, { hardState: { term: 0, vote: null, commit: 0 }, snapshot: null, entries: [] });
      throw error;
    }
    const recovered = wal.recovered();
    this.events.onRecovered(this, recovered);
    const config: RaftConfig = {
      id: p.id,
      electionTicks: p.electionTicks,
      heartbeatTicks: p.heartbeatTicks,
      preVote: true,
      checkQuorum: true,
      refuseToBeLeader: this.refuseToBeLeader,
      maxInflightAppends: p.maxInflightAppends,
      maxAppendBytes: p.maxAppendBytes,
      maxUncommittedEntries: 256,
      maxPendingReads: 64,
      random: p.random,
      unsafe: p.unsafe,
    };
    const node = new RawNode(config, { ...recovered, initialMembership: p.initialMembership });
    const kv = new KvStateMachine();
    if (p.asyncWrites === true) {
      // the image is taken now and arrives a few ticks later, as a worker's would
      kv.snapshotAsync = (done) => {
        const image = kv.snapshot();
        this.images.push({ ticksLeft: 1 + p.random.int(5), deliver: () => done(image) });
      };
    }
    kv.onApply = (entry, command) => {
      this.checker.onApply(p.id, entry);
      this.events.onApply(this, entry, command);
    };
    kv.onRestore = (snapshot) => this.events.onRestore(this, snapshot.meta.index);
    const transport: Transport = {
      send: (message) => {
        if (this.sentEarly.delete(message)) return;
        this.transport.send(message);
      },
    };
    const driver = new ReplicationDriver(node, wal, transport, kv, { compactAfterEntries: p.compactAfterEntries, asyncWrites: p.asyncWrites === true, unsafeReleaseBeforeSync: p.shellBugs.releaseBeforeFsync === true }, {
      onStorageSettled: () => this.driver?.pump(),
      onWritten: (ready) => this.checker.onWritten(p.id, node.raft, ready),
      onPersisted: (ready) => {
        this.checker.onPersisted(p.id, ready);
        this.events.onPersisted(this, ready);
      },
      onReadState: (state) => this.events.onReadState(this, state),
      crashPoint: (step, ready) => {
        if (step === 'persist' && p.shellBugs.replyBeforePersist === true) {
          for (const message of ready.messages) {
            this.sentEarly.add(message);
            this.transport.send(message);
          }
        }
        return this.events.crashPoint(this, step, ready);
      },
    });
    if (p.shellBugs.reapplyOnRestart === true) {
      const log = node.raft.log;
      for (let i = log.snapshotIndex + 1; i <= log.committed; i++) kv.apply(log.entry(i) as Entry);
    }
    this.node = node;
    this.driver = driver;
    this.kv = kv;
    this.wal = wal;
    this.checker.onStart(p.id, node.raft);
    return 'started';
  }

  /** a tick passed: compaction images that are due arrive; whether any did */
  tickImages(): boolean {
    const due = this.images.filter((image) => --image.ticksLeft <= 0);
    if (due.length === 0) return false;
    this.images = this.images.filter((image) => image.ticksLeft > 0);
    for (const image of due) image.deliver();
    return true;
  }

  /** power loss: unsynced writes are lost (or torn), in-memory state is gone */
  crash(): void {
    this.images = [];
    this.armedCrash = null;
    this.sentEarly.clear();
    this.pausedUntil = 0;
    this.held = [];
    this.node = null;
    this.driver = null;
    this.kv = null;
    this.wal = null;
    this.crashes++;
    this.params.disk.crash();
  }

  /** whether the driver stopped itself after an I/O error (fail-stop) */
  failedStop(): boolean {
    return this.driver !== null && this.driver.stopped;
  }
}
