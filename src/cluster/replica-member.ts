// A read replica: the graph engine fed by pulling committed transactions from an upstream member
// over the catch-up protocol, every pull interval (Neo4j's read replica). It never votes and never
// takes writes. It adopts the cluster id from discovery, like a joining core, and keeps it. When
// it is further behind than the upstream's feed reaches (or has an empty store), the upstream
// sends its whole store instead. Time, randomness, storage and network are injected.

import { Neo4jError, Status } from '../core/errors.js';
import type { Clock, Ticker } from '../env/clock.js';
import type { Random } from '../env/random.js';
import type { AnnIndexFactory } from '../graph/search/vector-index.js';
import { GraphEngine } from '../graph/engine.js';
import type { Store } from '../graph/store.js';
import type { ClusterBinding, ClusterStateStore } from './binding.js';
import type { CoreMemberLog, MemberAddresses } from './core-member.js';
import { DiscoveryTable, type MemberInfo } from './discovery-table.js';
import type { ClusterNetworkHandlers, ReplicaNetwork } from './network.js';
import type { PullAnswer } from './catchup.js';
import type { SideState } from './graph-state-machine.js';
import type { StoreImageBuilder } from './tx-feed.js';
import { AppliedTxFeed, answerMemberPull } from './tx-feed.js';
import { chooseUpstream, type UpstreamStrategy } from './upstream.js';

export interface ReplicaMemberOptions {
  readonly selfId: string;
  readonly databaseName: string;
  readonly store: Store;
  readonly clusterState: ClusterStateStore;
  readonly clock: Clock;
  readonly ticker: Ticker;
  readonly random: Random;
  /** causal_clustering.pull_interval / read_replica_refresh_rate */
  readonly pullIntervalMs: number;
  readonly discoveryAliveMs: number;
  readonly addresses: () => MemberAddresses;
  readonly groups: readonly string[];
  readonly lockAcquisitionTimeoutMs: number;
  readonly log: CoreMemberLog;
  /** causal_clustering.upstream_selection_strategy, in order (default: a random core) */
  readonly upstreamStrategies?: readonly UpstreamStrategy[];
  /** the system database: replaced by the upstream's image whenever that is newer */
  readonly sideState?: SideState;
  /** approximate nearest-neighbour indexes for vector search (exact search without) */
  readonly annIndexFactory?: AnnIndexFactory;
  /** builds the store's image off the event loop for a chained replica that needs a store copy */
  readonly buildStoreImage?: StoreImageBuilder;
}

export interface ReplicaStatus {
  readonly memberId: string;
  readonly clusterId: string | null;
  readonly role: 'READ_REPLICA';
  readonly upstream: string | null;
  readonly lastAppliedTxId: number;
  /** transactions the upstream had applied beyond this replica at the last pull */
  readonly lagTxs: number;
  readonly leaderId: string | null;
  readonly term: number;
  readonly millisSinceLastPull: number | null;
}

/** a pull not answered in this long is abandoned and tried again (on another upstream) */
const PULL_TIMEOUT_MIN_MS = 5000;
/** discovery info is refreshed this often */
const PUBLISH_INTERVAL_MS = 100;
/**
 * While a read waits for a transaction the upstream had not applied yet, the replica pulls again
 * this often rather than at the next pull interval (1 s by default): a follower core applies a
 * commit within a heartbeat interval. Bounded: only while a read waits, and every wait has its
 * own timeout.
 */
const BEHIND_RETRY_MS = 10;

export class ReplicaMember implements ClusterNetworkHandlers {
  readonly engine: GraphEngine;
  readonly discovery: DiscoveryTable;
  /** what this replica applied, so other replicas can pull from it (chained replicas) */
  readonly feed = new AppliedTxFeed();
  private binding: ClusterBinding | null;
  private network: ReplicaNetwork | undefined;
  private pulling = false;
  /** a read began waiting (or still waits after an apply) during a pull: pull again after it */
  private pullAgain = false;
  private retryScheduled = false;
  private upstream: MemberInfo | undefined;
  private upstreamAppliedTxId = 0;
  private lastPullMs: number | null = null;
  private stopTicking: (() => void)[] = [];
  private lastWarning = '';
  private closed = false;

  constructor(private readonly options: ReplicaMemberOptions) {
    this.discovery = new DiscoveryTable(options.selfId, options.discoveryAliveMs);
    this.binding = options.clusterState.loadBinding();
    this.engine = new GraphEngine({
      name: options.databaseName, store: options.store, ticker: options.ticker, lockAcquisitionTimeoutMs: options.lockAcquisitionTimeoutMs,
      // Never reached (every write is refused first), but a replica must never commit locally.
      log: { append: () => Promise.reject(this.refusal()), close: async () => {} },
      writeRefusal: () => this.refusal(),
      ...(options.annIndexFactory === undefined ? {} : { annIndexFactory: options.annIndexFactory }),
      onBehind: () => this.pullSoon(),
    });
  }

  get selfId(): string {
    return this.options.selfId;
  }

  nowMs(): number {
    return this.options.clock.monotonicMs();
  }

  start(network: ReplicaNetwork): void {
    this.network = network;
    this.publish();
    this.stopTicking.push(this.options.ticker.every(PUBLISH_INTERVAL_MS, () => this.publish()));
    this.stopTicking.push(this.options.ticker.every(this.options.pullIntervalMs, () => void this.pullRound()));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stop of this.stopTicking) stop();
    await this.engine.close();
  }

  // ---- network handlers ----

  clusterId(): string | null {
    return this.binding?.clusterId ?? null;
  }

  onMemberInfo(info: MemberInfo): void {
    this.discovery.heard(info, this.nowMs());
    if (this.binding !== null && info.mode === 'CORE' && info.clusterId !== null && info.clusterId !== this.binding.clusterId) {
      this.warn(`Refusing to follow ${info.discoveryAddress}: it belongs to cluster ${info.clusterId}, this replica's store to cluster ${this.binding.clusterId}.`);
    }
  }

  /** another replica pulls from this one */
  onPull(afterTxId: number, sideIndex: number, database?: string, wantedTxId = 0): PullAnswer | Promise<PullAnswer> {
    return answerMemberPull(this.feed, this.engine, afterTxId, sideIndex, database, wantedTxId, this.options.buildStoreImage, this.options.sideState);
  }

  onRaftMessage(): void {
    // a replica takes no part in Raft
  }

  onForeignCluster(peerClusterId: string, peerAddress: string): void {
    this.warn(`Refusing a link from ${peerAddress}: it belongs to cluster ${peerClusterId}.`);
  }

  // ---- pulling ----

  /** a read waits for a transaction not yet applied here (a bookmark): pull now, not at the next interval */
  private pullSoon(): void {
    if (this.closed || this.network === undefined) return;
    if (this.pulling) {
      this.pullAgain = true;
      return;
    }
    void this.pullRound();
  }

  private retryWhileBehind(): void {
    if (this.retryScheduled || this.closed) return;
    this.retryScheduled = true;
    const stop = this.options.ticker.every(BEHIND_RETRY_MS, () => {
      stop();
      this.retryScheduled = false;
      if (this.engine.waitingForApplied()) this.pullSoon();
    });
  }

  private async pullRound(): Promise<void> {
    if (this.pulling || this.closed || this.network === undefined) return;
    const alive = this.discovery.alive(this.nowMs());
    if (this.binding === null && !this.bind(alive)) return;
    const members = alive.filter((info) => info.clusterId === this.binding!.clusterId);
    // chosen again every round, as Neo4j does, so a better upstream that appears is used
    const previous = this.upstream?.memberId;
    this.upstream = chooseUpstream(this.options.upstreamStrategies ?? [{ kind: 'connect-to-random-core-server' }], this.selfInfo(), members, this.options.random);
    if (this.upstream !== undefined && this.upstream.memberId !== previous) {
      this.options.log.info(`Pulling from ${this.upstream.memberId} (${this.upstream.mode === 'CORE' ? 'core' : 'read replica'} at ${this.upstream.catchupAddress}).`);
    }
    const upstream = this.upstream;
    if (upstream === undefined) return;
    this.pulling = true;
    try {
      // Bounded: each round pulls at most this many batches, then waits for the next interval.
      for (let batch = 0; batch < 64 && !this.closed; batch++) {
        const side = this.options.sideState;
        const result = await this.network.pull(upstream, this.engine.lastAppliedTxId(), side?.appliedIndex() ?? Number.MAX_SAFE_INTEGER,
          Math.max(PULL_TIMEOUT_MIN_MS, 4 * this.options.pullIntervalMs), this.engine.awaitedTxId());
        this.lastPullMs = this.nowMs();
        if (result.side !== undefined) side?.restore(result.side.image, result.side.index);
        if (result.kind === 'none') {
          this.upstreamAppliedTxId = result.appliedTxId;
          // the upstream has not applied what a waiting read needs yet: ask again shortly
          if (this.engine.waitingForApplied()) this.retryWhileBehind();
          break;
        }
        if (result.kind === 'store') {
          this.engine.restore(result.image);
          this.feed.clear();
          this.upstreamAppliedTxId = this.engine.lastAppliedTxId();
          this.options.log.info(`Store copied from ${upstream.memberId}: now at transaction ${this.engine.lastAppliedTxId()}.`);
          continue;
        }
        this.upstreamAppliedTxId = result.appliedTxId;
        const first = result.txs[0];
        if (first === undefined || first.txId !== this.engine.lastAppliedTxId() + 1) break;
        this.engine.applyCommitted(result.txs);
        this.feed.record(result.txs);
        if (this.engine.lastAppliedTxId() >= result.appliedTxId) break;
      }
      this.lastWarning = '';
    } catch (error) {
      this.warn(`Pulling from ${upstream.memberId} (${upstream.catchupAddress}) failed: ${(error as Error).message}; trying another upstream next.`);
      this.upstream = undefined;
    } finally {
      this.pulling = false;
    }
    if (this.pullAgain && !this.closed) {
      this.pullAgain = false;
      if (this.engine.waitingForApplied()) void this.pullRound();
    }
  }

  private bind(alive: readonly MemberInfo[]): boolean {
    const bound = alive.find((info) => info.mode === 'CORE' && info.clusterId !== null);
    if (bound === undefined) return false;
    if (this.engine.lastAppliedTxId() > 0) {
      this.warn(`This replica's store holds ${this.engine.lastAppliedTxId()} transactions but belongs to no cluster; start it with an empty store to follow cluster ${bound.clusterId}.`);
      return false;
    }
    this.binding = { clusterId: bound.clusterId!, initialVoters: [] };
    this.options.clusterState.saveBinding(this.binding);
    this.options.log.info(`Following cluster ${this.binding.clusterId} as a read replica.`);
    this.publish();
    return true;
  }

  // ---- status ----

  /** what any write here fails with (a replica takes none) */
  refusal(): Neo4jError {
    return new Neo4jError(
      Status.NotALeader,
      'No write operations are allowed directly on this database. Writes must pass through the leader. The role of this server is: READ_REPLICA',
    );
  }

  private leader(): MemberInfo | undefined {
    return this.discovery.alive(this.nowMs()).find((info) => info.mode === 'CORE' && info.raftRole === 'LEADER' && info.clusterId === this.clusterId());
  }

  role(): 'READ_REPLICA' {
    return 'READ_REPLICA';
  }

  status(): ReplicaStatus {
    const leader = this.leader();
    return {
      memberId: this.options.selfId,
      clusterId: this.clusterId(),
      role: 'READ_REPLICA',
      upstream: this.upstream?.memberId ?? null,
      lastAppliedTxId: this.engine.lastAppliedTxId(),
      lagTxs: Math.max(0, this.upstreamAppliedTxId - this.engine.lastAppliedTxId()),
      leaderId: leader?.memberId ?? null,
      term: leader?.term ?? 0,
      millisSinceLastPull: this.lastPullMs === null ? null : this.nowMs() - this.lastPullMs,
    };
  }

  selfInfo(): MemberInfo {
    const addresses = this.options.addresses();
    return {
      memberId: this.options.selfId, mode: 'READ_REPLICA', clusterId: this.clusterId(), initialVoters: [],
      discoveryAddress: addresses.discovery, raftAddress: addresses.raft, catchupAddress: addresses.catchup,
      boltAddress: addresses.bolt, httpAddress: addresses.http, httpsAddress: addresses.https ?? null, groups: this.options.groups, refuseToBeLeader: true,
      database: this.options.databaseName, raftRole: 'READ_REPLICA', term: 0, appliedIndex: this.engine.lastAppliedTxId(),
      storeTxId: this.engine.lastAppliedTxId(), seedTxId: 0, seederId: null,
    };
  }

  private publish(): void {
    this.network?.publish(this.selfInfo());
  }

  private warn(message: string): void {
    if (message === this.lastWarning) return;
    this.lastWarning = message;
    this.options.log.warn(message);
  }
}
