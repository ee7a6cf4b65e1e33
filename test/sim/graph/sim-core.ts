// One simulated core member for the graph simulator: the real CoreMember (graph engine on an
// in-memory store, replication driver, WAL on a simulated disk) with its timers and deferred
// pumps driven by the simulation, so a crash simply drops them. The disk and the cluster binding
// outlive crashes; the in-memory store does not (recovery rebuilds it from the WAL).

import type { Clock, Ticker } from '../../../src/env/clock.js';
import { SeededRandom } from '../../../src/env/random.js';
import type { ClusterBinding } from '../../../src/cluster/binding.js';
import { CoreMember } from '../../../src/cluster/core-member.js';
import type { MemberInfo } from '../../../src/cluster/discovery-table.js';
import type { ClusterNetwork } from '../../../src/cluster/network.js';
import { MemoryStore } from '../../../src/graph/memory-store.js';
import type { Message } from '../../../src/raft/messages.js';
import { Wal } from '../../../src/replication/wal/wal.js';
import { SimDisk } from '../sim-disk.js';

export const SIM_TICK_MS = 50;

/** broken variants, one per checker, that the sweep must catch */
export type GraphBug = 'stale-lease' | 'lost-fsync' | 'restore-counter' | 'seed-floor';
export const GRAPH_BUGS: readonly GraphBug[] = ['stale-lease', 'lost-fsync', 'restore-counter', 'seed-floor'];

interface Timer {
  readonly everyTicks: number;
  next: number;
  readonly fn: () => void;
  live: boolean;
}

export interface SimCoreWorld {
  now(): number;
  send(message: Message): void;
  readonly clock: Clock;
  readonly bug: GraphBug | undefined;
  readonly compactAfterEntries: number;
  /** compaction images are built "off the event loop": taken a few ticks after being asked for, so newer than asked */
  readonly asyncImages: boolean;
  /** Raft appends in flight per follower */
  readonly inflightAppends: number;
}

export class SimCore {
  member: CoreMember | undefined;
  store: MemoryStore | undefined;
  info: MemberInfo | undefined;
  readonly disk: SimDisk;
  crashes = 0;
  downUntil = 0;
  private timers: Timer[] = [];
  private deferred: (() => void)[] = [];
  private images: { ticksLeft: number; deliver: () => void }[] = [];

  /**
   * seedStore: the store this member starts its very first life with (a seeded cluster: the
   * binding names it as the seeder); every later start recovers from the WAL into an empty store.
   */
  constructor(
    readonly id: string, private readonly binding: ClusterBinding, private readonly random: SeededRandom, private readonly world: SimCoreWorld,
    private seedStore?: MemoryStore,
  ) {
    this.disk = new SimDisk(random.fork(), { readErrorRate: 0, writeErrorRate: 0, fsyncErrorRate: 0, tornWrites: true, fsyncLies: world.bug === 'lost-fsync' });
  }

  get up(): boolean {
    return this.member !== undefined;
  }

  start(): void {
    const ticker: Ticker = {
      every: (intervalMs, fn) => {
        const everyTicks = Math.max(1, Math.round(intervalMs / SIM_TICK_MS));
        const timer: Timer = { everyTicks, next: this.world.now() + everyTicks, fn, live: true };
        this.timers.push(timer);
        return () => {
          timer.live = false;
        };
      },
    };
    const network: ClusterNetwork = {
      publish: (info) => {
        this.info = info;
      },
      sendRaft: (message) => this.world.send(message),
      close: async () => {},
    };
    this.store = this.seedStore ?? new MemoryStore();
    this.seedStore = undefined;
    const binding = this.binding;
    this.member = new CoreMember({
      selfId: this.id, databaseName: 'neo4j', store: this.store,
      raftStorage: new Wal(this.disk, { dir: `/${this.id}/wal`, segmentBytesMax: 64 * 1024 }),
      clusterState: { loadBinding: () => binding, saveBinding: () => {} },
      clock: this.world.clock, ticker, random: this.random.fork(), defer: (fn) => this.deferred.push(fn),
      electionTimeoutMs: 10 * SIM_TICK_MS, tickMs: SIM_TICK_MS, preVote: true, refuseToBeLeader: false,
      minimumAtFormation: binding.initialVoters.length, minimumAtRuntime: binding.initialVoters.length,
      memberRemovalTimeoutMs: 1e12, discoveryAliveMs: 10 * SIM_TICK_MS,
      addresses: () => ({ discovery: this.id, raft: this.id, catchup: this.id, bolt: this.id, http: null }),
      groups: [], lockAcquisitionTimeoutMs: 0, compactAfterEntries: this.world.compactAfterEntries, inflightAppends: this.world.inflightAppends,
      ...(this.world.asyncImages ? {
        buildStoreImage: (_afterTxId: number, done: (image: Uint8Array | undefined) => void) => {
          this.images.push({ ticksLeft: 1 + this.random.int(5), deliver: () => done(this.member?.engine.snapshot()) });
        },
      } : {}),
      newClusterId: () => 'unused', log: { info: () => {}, warn: () => {}, error: () => {} },
      unsafe: {
        acceptStaleLease: this.world.bug === 'stale-lease', restoreTxCounterOffByOne: this.world.bug === 'restore-counter',
        ignoreSeedFloor: this.world.bug === 'seed-floor',
      },
    });
    this.member.start(network);
  }

  /** the process dies: timers, deferred work and memory are gone; unsynced bytes may be lost */
  crash(): void {
    this.member = undefined;
    this.store = undefined;
    this.info = undefined;
    this.timers = [];
    this.deferred = [];
    this.images = [];
    this.disk.crash();
    this.crashes++;
  }

  fireTimers(): void {
    // fsyncs in flight complete first; their callbacks schedule pumps like any other input
    this.disk.tick();
    if (this.member === undefined) return;
    const due = this.images.filter((image) => --image.ticksLeft <= 0);
    this.images = this.images.filter((image) => image.ticksLeft > 0);
    for (const image of due) image.deliver();
    if (this.member === undefined) return;
    const now = this.world.now();
    for (const timer of this.timers) {
      if (!timer.live || timer.next > now) continue;
      timer.next = now + timer.everyTicks;
      timer.fn();
      if (this.member === undefined) return;
    }
    this.timers = this.timers.filter((timer) => timer.live);
  }

  /** runs deferred work (pumps); bounded, since a pump defers at most one more */
  runDeferred(): void {
    for (let round = 0; round < 64 && this.deferred.length > 0; round++) {
      const work = this.deferred;
      this.deferred = [];
      for (const fn of work) fn();
    }
  }
}
