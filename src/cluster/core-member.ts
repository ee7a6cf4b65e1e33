// One core member: the graph engine behind the replication driver, formation from discovery,
// the lease, the commit step that turns a transaction into a Raft entry, and the leader's upkeep
// of the voter set. Time, randomness, storage and network are injected; the same class runs in a
// server process (server/cluster/) and in the simulator.
//
// Scheduling: inbound messages and proposals are stepped into Raft as they arrive, and one pump
// (Ready → persist with one fsync → send → apply → advance) runs per turn of the event loop, so
// everything that arrived in between shares one fsync — the group commit.

import { Neo4jError, Status } from '../core/errors.js';
import type { CommitLog } from '../graph/commit-log.js';
import type { TxCommand } from '../graph/commands.js';
import { GraphEngine } from '../graph/engine.js';
import { MemoryStore } from '../graph/memory-store.js';
import { encodeSnapshot, takeSnapshot } from '../graph/snapshot.js';
import type { Message } from '../raft/messages.js';
import { fromLeader } from '../raft/messages.js';
import { RawNode } from '../raft/raw-node.js';
import { raftConfigFromSettings } from '../raft/timing.js';
import type { Membership } from '../raft/types.js';
import { ReplicationDriver } from '../replication/driver.js';
import { SEED_SNAPSHOT_INDEX, type ClusterBinding } from './binding.js';
import { DiscoveryTable, type MemberInfo } from './discovery-table.js';
import { decideFormation } from './formation.js';
import { PendingCommits } from './pending-commits.js';
import { SnapshotSender } from './snapshot-sender.js';
import { GraphStateMachine, seedSnapshotData } from './graph-state-machine.js';
import { LeadershipTransfer } from './leadership-transfer.js';
import { decideMembershipChange } from './membership-keeper.js';
import type { ClusterNetwork, ClusterNetworkHandlers } from './network.js';
import { AppliedTxFeed, answerMemberPull } from './tx-feed.js';
import type { PullAnswer } from './catchup.js';
import { encodeLeasePayload, encodePolicyPayload, encodeSidePayload, encodeTxPayload, type MemberPolicy } from './payload.js';

export type { ClusterRole, CoreMemberLog, CoreMemberOptions, MemberAddresses, MemberStatus, ReplicationCounts } from './core-member-types.js';
import type { ClusterRole, CoreMemberOptions, MemberStatus } from './core-member-types.js';

/** how long a commit waits to learn the fate of its entry after this member stopped leading */
const OUTCOME_WAIT_MIN_MS = 5000;
/** the leader reconsiders the voter set this often */
const KEEPER_INTERVAL_MS = 250;
/** discovery info is refreshed every this many ticks */
const PUBLISH_EVERY_TICKS = 2;

export class CoreMember implements ClusterNetworkHandlers {
  readonly engine: GraphEngine;
  readonly discovery: DiscoveryTable;
  /** recently applied transactions, for read replicas that pull */
  readonly feed = new AppliedTxFeed();
  private binding: ClusterBinding | null;
  private network: ClusterNetwork | undefined;
  private node: RawNode | undefined;
  private driver: ReplicationDriver | undefined;
  private machine: GraphStateMachine | undefined;
  /** snapshots for followers, with the store image built when the compaction left it out */
  private readonly snapshots = new SnapshotSender(
    (snapshot) => GraphStateMachine.holdsNoImage(snapshot),
    (snapshot, done) => this.machine!.expandSnapshot(snapshot, done),
    (message) => this.transmit(message),
    (message) => this.options.log.warn(message),
  );
  private readonly pending = new PendingCommits();
  private pumpScheduled = false;
  /** an fsync returned since a follower last put off applying (see applyNow) */
  private storageSettled = false;
  private leaseProposedInTerm = 0;
  private stopTicking: (() => void) | undefined;
  private ticks = 0;
  private lastKeeperMs = 0;
  private readonly counts = { proposed: 0, leaderNotFound: 0 };
  /** a leadership transfer asked for by a procedure, waiting for its outcome */
  private readonly transfer: LeadershipTransfer;
  private lastLeaderMessageMs: number | null = null;
  private readonly startedMs: number;
  private lastWaitReason = '';
  private lastLeadership = '';
  private foreignWarnedMs = -Infinity;
  private closed = false;
  private fatal = false;

  constructor(private readonly options: CoreMemberOptions) {
    this.discovery = new DiscoveryTable(options.selfId, options.discoveryAliveMs);
    this.binding = options.clusterState.loadBinding();
    this.startedMs = options.clock.monotonicMs();
    this.transfer = new LeadershipTransfer(options.electionTimeoutMs);
    const commitLog: CommitLog = { append: (command) => this.appendCommand(command), close: async () => {} };
    this.engine = new GraphEngine({
      name: options.databaseName, store: options.store, log: commitLog, ticker: options.ticker,
      lockAcquisitionTimeoutMs: options.lockAcquisitionTimeoutMs,
      ...(options.annIndexFactory === undefined ? {} : { annIndexFactory: options.annIndexFactory }),
      leaseId: () => (this.holdsLease() ? this.machine!.lease.id : -1),
      writeRefusal: (leaseId) => this.writeRefusal(leaseId),
      acceptsLease: (leaseId) => options.unsafe?.acceptStaleLease === true || leaseId === this.machine?.lease.id,
      onBehind: () => this.askForCommitIndex(),
    });
  }

  get selfId(): string {
    return this.options.selfId;
  }

  /** the member's monotonic clock, for judging discovery ages */
  nowMs(): number {
    return this.options.clock.monotonicMs();
  }

  get clusterBinding(): ClusterBinding | null {
    return this.binding;
  }

  /** joins the network and starts ticking; Raft starts at once when bound, else at formation */
  start(network: ClusterNetwork): void {
    this.network = network;
    if (this.binding !== null) this.startRaft(this.binding);
    this.publish();
    this.stopTicking = this.options.ticker.every(this.options.tickMs, () => this.onTick());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopTicking?.();
    this.pending.rejectAll(new Neo4jError(Status.DatabaseUnavailable, 'The server is shutting down.'));
    this.transfer.abandon(new Neo4jError(Status.DatabaseUnavailable, 'The server is shutting down.'));
    await this.engine.close();
    this.options.raftStorage.close();
  }

  // ---- network handlers ----

  clusterId(): string | null {
    return this.binding?.clusterId ?? null;
  }

  onMemberInfo(info: MemberInfo): void {
    const nowMs = this.options.clock.monotonicMs();
    this.discovery.heard(info, nowMs);
    if (this.binding !== null && info.clusterId !== null && info.clusterId !== this.binding.clusterId && info.mode === 'CORE') {
      this.onForeignCluster(info.clusterId, info.discoveryAddress);
    }
  }

  onRaftMessage(message: Message): void {
    if (this.closed || this.node === undefined || this.driver === undefined || this.driver.stopped) return;
    if (message.from === this.node.raft.lead || fromLeader(message)) {
      this.lastLeaderMessageMs = this.options.clock.monotonicMs();
    }
    this.node.step(message);
    // A follower's acknowledgement of an append is on the path of the leader's commit: its entries
    // go to the WAL now rather than on the next turn of the event loop.
    if (message.kind === 'append' && this.node.raft.role !== 'leader') return this.pump();
    this.schedulePump();
  }

  onRaftPeerLost(memberId: string): void {
    const node = this.node;
    if (this.closed || node === undefined || node.raft.lead !== memberId) return;
    this.options.log.info(`Lost the connection to the leader ${memberId}; an election may start within half an election timeout.`);
    node.leaderUnreachable();
  }

  /** a read replica pulls: transactions from the feed, or the whole store when it is too far behind */
  onPull(afterTxId: number, sideIndex: number, database?: string, wantedTxId = 0): PullAnswer | Promise<PullAnswer> {
    return answerMemberPull(this.feed, this.engine, afterTxId, sideIndex, database, wantedTxId, this.options.buildStoreImage, this.options.sideState);
  }

  onForeignCluster(peerClusterId: string, peerAddress: string): void {
    const nowMs = this.options.clock.monotonicMs();
    if (nowMs - this.foreignWarnedMs < 10_000) return;
    this.foreignWarnedMs = nowMs;
    this.options.log.error(
      `Refusing to join: ${peerAddress} belongs to cluster ${peerClusterId}, but this member's store belongs to cluster ` +
      `${this.binding?.clusterId ?? '(none)'}. A member keeps the cluster id it was formed or joined with; to move it to another ` +
      'cluster, stop it and run `causeway admin unbind` (which also empties its store) first.',
    );
  }

  // ---- the commit step ----

  private appendCommand(command: TxCommand): Promise<number> {
    const node = this.node;
    if (node === undefined || this.driver === undefined) throw this.notLeader();
    if (this.driver.stopped) throw new Neo4jError(Status.DatabaseUnavailable, 'This member stopped after a storage failure.');
    const entry = node.propose(encodeTxPayload(command));
    this.counts.proposed++;
    this.schedulePump();
    return this.pending.add('tx', entry.index, entry.term, this.options.clock.monotonicMs());
  }

  /**
   * Leader only: replicates a change of the side state (the system database); resolves once it
   * is applied here, which every member then does at the same position of the log.
   */
  proposeSideChange(change: Uint8Array): Promise<void> {
    const node = this.node;
    if (node === undefined || this.driver === undefined || node.raft.role !== 'leader') throw this.notLeader();
    if (this.driver.stopped) throw new Neo4jError(Status.DatabaseUnavailable, 'This member stopped after a storage failure.');
    const entry = node.propose(encodeSidePayload(change));
    this.schedulePump();
    return this.pending.add('side', entry.index, entry.term, this.options.clock.monotonicMs()).then(() => undefined);
  }

  // ---- the lease ----

  holdsLease(): boolean {
    const node = this.node;
    const machine = this.machine;
    if (node === undefined || machine === undefined || node.raft.role !== 'leader') return false;
    return machine.lease.owner === this.options.selfId && machine.lease.id === node.raft.term;
  }

  private writeRefusal(leaseId: number): Error | undefined {
    if (this.driver?.stopped) return new Neo4jError(Status.DatabaseUnavailable, 'This member stopped after a storage failure.');
    if (!this.holdsLease()) return this.notLeader();
    if (this.options.unsafe?.acceptStaleLease !== true && leaseId !== this.machine!.lease.id) {
      return new Neo4jError(Status.NotALeader, 'The leader changed since this transaction began, so what it read may be out of date. Retry the transaction.');
    }
    return undefined;
  }

  private notLeader(): Neo4jError {
    if (this.node?.raft.lead === null || this.node === undefined) this.counts.leaderNotFound++;
    return new Neo4jError(
      Status.NotALeader,
      `No write operations are allowed directly on this database. Writes must pass through the leader. The role of this server is: ${this.role()}`,
    );
  }

  private maybeClaimLease(): void {
    const node = this.node;
    if (node === undefined || node.raft.role !== 'leader' || this.leaseProposedInTerm === node.raft.term) return;
    if (this.machine!.lease.id === node.raft.term) return;
    try {
      node.propose(encodeLeasePayload({ id: node.raft.term, owner: this.options.selfId }));
      this.leaseProposedInTerm = node.raft.term;
      this.schedulePump();
    } catch {
      // refused for now (a leadership transfer under way): tried again next tick
    }
  }

  /** a read waits for a position this follower has not applied: the leader says what is committed now */
  private askForCommitIndex(): void {
    const node = this.node;
    if (node === undefined || this.driver === undefined || this.driver.stopped || this.closed) return;
    node.askForCommitIndex();
    this.schedulePump();
  }

  // ---- the loop ----

  private schedulePump(): void {
    if (this.pumpScheduled || this.closed) return;
    this.pumpScheduled = true;
    this.options.defer(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    const driver = this.driver;
    if (driver === undefined || this.closed) return;
    if (!driver.stopped) driver.pump();
    if (this.applyNow(driver)) this.machine!.flush();
    if (driver.stopped) return this.onStopped(driver.failure);
    this.noteLeadership();
    this.maybeClaimLease();
    if (this.node!.hasReady()) this.schedulePump();
  }

  /**
   * A follower's acknowledgement leaves when its fsync returns, and only if the event loop is free
   * then: committed entries applied meanwhile (the previous commit, learnt with this append) would
   * hold it back, on the path of the leader's commit. So while an fsync is in flight a follower
   * puts off applying until it returns (onStorageSettled), once per fsync at most: bounded.
   * The leader applies at once: its clients wait for that.
   */
  private applyNow(driver: ReplicationDriver): boolean {
    if (this.node!.raft.role === 'leader' || !driver.writing || this.storageSettled) {
      this.storageSettled = false;
      return true;
    }
    return false;
  }

  private noteLeadership(): void {
    const raft = this.node!.raft;
    const seen = `${raft.role}/${raft.lead ?? ''}/${raft.term}`;
    if (seen === this.lastLeadership) return;
    const before = this.lastLeadership;
    this.lastLeadership = seen;
    if (raft.role === 'leader') this.options.log.info(`This member is now the LEADER (term ${raft.term}).`);
    else if (raft.lead !== null && !before.endsWith(`/${raft.lead}/${raft.term}`)) this.options.log.info(`Following leader ${raft.lead} (term ${raft.term}).`);
  }

  private onStopped(failure: unknown): void {
    if (this.fatal) return;
    this.fatal = true;
    this.pending.rejectAll(new Neo4jError(Status.StorageFailure, `This member stopped after a storage failure: ${String(failure)}`));
    this.options.log.error('The Raft log could not be written; this member stops (fail-stop) and must be restarted.', failure);
    this.options.onFatal?.(failure);
  }

  private onTick(): void {
    if (this.closed) return;
    const nowMs = this.options.clock.monotonicMs();
    this.ticks++;
    if (this.ticks % PUBLISH_EVERY_TICKS === 0) this.publish();
    if (this.binding === null) {
      this.tryToForm(nowMs);
      return;
    }
    const node = this.node!;
    if (this.driver!.stopped) return;
    node.tick();
    if (node.raft.role === 'leader') {
      this.lastLeaderMessageMs = nowMs;
      if (nowMs - this.lastKeeperMs >= KEEPER_INTERVAL_MS) {
        this.lastKeeperMs = nowMs;
        this.keepMembership(nowMs);
      }
    }
    this.expirePending(nowMs);
    // an image built for an older snapshot is never sent again: the store's worth of memory goes
    this.snapshots.dropBefore(node.raft.log.snapshotIndex);
    if (this.transfer.check(this.node, nowMs)) this.schedulePump();
    this.pump();
  }

  private expirePending(nowMs: number): void {
    if (this.pending.size === 0 || this.node?.raft.role === 'leader') return;
    this.pending.expire(nowMs, Math.max(OUTCOME_WAIT_MIN_MS, 4 * this.options.electionTimeoutMs));
  }

  // ---- formation ----

  private tryToForm(nowMs: number): void {
    const decision = decideFormation(this.selfInfo(), this.discovery.alive(nowMs), this.options.minimumAtFormation, this.options.newClusterId);
    if (decision.kind === 'wait') {
      if (decision.reason !== this.lastWaitReason) this.options.log.info(`Cluster formation: ${decision.reason}.`);
      this.lastWaitReason = decision.reason;
      return;
    }
    const storeTxId = this.engine.lastAppliedTxId();
    if (decision.kind === 'adopt' && storeTxId > 0 && decision.seed?.txId !== storeTxId) {
      const reason = decision.seed === undefined
        ? `this member's store already holds ${storeTxId} transactions but belongs to no cluster, and cluster ${decision.clusterId} was formed without them; `
          + 'a core joins a running cluster with an empty store (or one seeded from the same backup as the cluster)'
        : `this member's store holds ${storeTxId} transactions but cluster ${decision.clusterId} was seeded with ${decision.seed.txId} by ${decision.seed.memberId}; `
          + 'seed every core from the same backup, or start this one with an empty store';
      if (reason !== this.lastWaitReason) this.options.log.error(`Cluster formation refused: ${reason}.`);
      this.lastWaitReason = reason;
      return;
    }
    if (decision.kind === 'adopt' && storeTxId > 0) {
      // Seeded from the same backup, presumably: the leader's copy of the seed replaces it, so a
      // store that only looks the same cannot diverge from the cluster.
      this.options.log.info(`This member's store (${storeTxId} transactions) is replaced by the seed of cluster ${decision.clusterId} from ${decision.seed!.memberId}.`);
      this.engine.restore(this.emptyImage());
    }
    const binding: ClusterBinding = decision.kind === 'bootstrap'
      ? { clusterId: decision.clusterId, initialVoters: decision.voters, ...(decision.seed === undefined ? {} : { seed: decision.seed }) }
      : { clusterId: decision.clusterId, initialVoters: decision.initialVoters, ...(decision.seed === undefined ? {} : { seed: decision.seed }) };
    this.options.clusterState.saveBinding(binding);
    this.binding = binding;
    this.options.log.info(decision.kind === 'bootstrap'
      ? `Formed cluster ${binding.clusterId} with ${binding.initialVoters.length} cores: ${binding.initialVoters.join(', ')}${binding.seed === undefined ? '' : `, seeded with this member's store (${binding.seed.txId} transactions)`}.`
      : `Bound to cluster ${binding.clusterId}${binding.initialVoters.includes(this.options.selfId) ? ' as one of its first cores' : '; waiting for the leader to add this member'}.`);
    this.startRaft(binding);
    this.publish();
  }

  private emptyImage(): Uint8Array {
    return encodeSnapshot(takeSnapshot(new MemoryStore()));
  }

  private startRaft(binding: ClusterBinding): void {
    const o = this.options;
    const timed = raftConfigFromSettings(o.selfId, {
      leaderElectionTimeoutMs: o.electionTimeoutMs, enablePreVoting: o.preVote, refuseToBeLeader: o.refuseToBeLeader, tickMs: o.tickMs,
    }, o.random);
    const config = o.inflightAppends === undefined ? timed : { ...timed, maxInflightAppends: o.inflightAppends };
    const initialMembership = { voters: [...binding.initialVoters], learners: [] };
    let recovered = o.raftStorage.recovered();
    if (binding.seed?.memberId === o.selfId && recovered.snapshot === null && recovered.entries.length === 0) {
      // The seed enters the log as its first snapshot, written before Raft starts (again after a
      // crash before it was durable: the binding names this member as the seeder).
      const seed = { meta: { index: SEED_SNAPSHOT_INDEX, term: 1, membership: initialMembership }, data: seedSnapshotData(this.engine, o.sideState) };
      o.raftStorage.saveSnapshot(seed, []);
      o.raftStorage.sync();
      // recovered() keeps what was read at open; the seed is now durable beside it
      recovered = { hardState: recovered.hardState, snapshot: seed, entries: [] };
    }
    // Until the seed reached a member it must not lead: it would lead a log without the seed.
    const seeded = binding.seed === undefined || o.unsafe?.ignoreSeedFloor === true ? config : { ...config, campaignAfterIndex: SEED_SNAPSHOT_INDEX };
    this.node = new RawNode(seeded, { ...recovered, initialMembership });
    const engine = this.engine;
    this.machine = new GraphStateMachine({
      applyCommitted: (batch) => {
        engine.applyCommitted(batch);
        // what replicas pull: as applied here, stale-lease commands emptied like the engine did
        const lease = this.machine!.lease.id;
        const accepted = (leaseId: number): boolean => o.unsafe?.acceptStaleLease === true || leaseId === lease;
        this.feed.record(batch.every((e) => accepted(e.command.leaseId)) ? batch : batch.map((e) => (accepted(e.command.leaseId) ? e : { txId: e.txId, command: { ...e.command, ops: [] } })));
      },
      snapshot: () => engine.snapshot(),
      ...(o.buildStoreImage === undefined ? {} : { snapshotAsync: o.buildStoreImage }),
      ...(o.syncStore === undefined ? {} : { syncStore: o.syncStore }),
      lastAppliedTxId: () => engine.lastAppliedTxId(),
      restore: (image) => {
        this.pending.rejectAll(new Neo4jError(
          Status.ReplicationFailure,
          'This member received a store copy from the leader before it learnt whether this transaction was committed; it may or may not have been.',
        ));
        engine.restore(image, { commitsInFlightSettled: true });
        this.feed.clear();
      },
    }, (applied) => this.pending.settle(applied), o.unsafe?.restoreTxCounterOffByOne === true, o.sideState);
    // Asynchronous storage writes: the WAL's fsync runs off the event loop, so heartbeats, votes
    // and other members' appends are handled while it runs (see replication/driver.ts).
    this.driver = new ReplicationDriver(this.node, o.raftStorage, { send: (message) => this.send(message) }, this.machine, {
      compactAfterEntries: o.compactAfterEntries,
      asyncWrites: o.asyncStorageWrites !== false,
    }, {
      onStorageSettled: () => {
        this.storageSettled = true;
        this.schedulePump();
      },
    });
    this.machine.flush();
    this.schedulePump();
  }

  private send(message: Message): void {
    if (message.kind === 'snapshot') this.snapshots.send(message);
    else this.transmit(message);
  }

  private transmit(message: Message): void {
    const to = this.discovery.info(message.to);
    if (to !== undefined) this.network?.sendRaft(message, to);
  }

  // ---- membership upkeep (leader) ----

  private keepMembership(nowMs: number): void {
    const node = this.node!;
    const raft = node.raft;
    const committedInTerm = raft.log.term(raft.log.committed) === raft.term;
    const decision = decideMembershipChange({
      selfId: this.options.selfId,
      clusterId: this.binding!.clusterId,
      membership: raft.membership,
      changeBlocked: raft.configChangePending() || !committedInTerm,
      aliveCores: this.discovery.alive(nowMs).filter((member) => member.mode === 'CORE'),
      silentForMs: (id) => (id === this.options.selfId ? 0 : Math.min(this.discovery.silentForMs(id, nowMs), nowMs - this.startedMs)),
      matchOf: (id) => raft.matchOf(id),
      lastIndex: raft.log.lastIndex(),
      minimumAtRuntime: this.options.minimumAtRuntime,
      removalTimeoutMs: this.options.memberRemovalTimeoutMs,
      policyOf: (id) => this.machine!.policyOf(id),
    });
    if (decision.kind === 'none') return;
    this.changeMembership(decision.next, decision.reason);
  }

  /** proposes a membership change on the leader (the keeper's and the operators' procedures) */
  changeMembership(next: Membership, reason: string): void {
    const node = this.requireLeaderNode();
    node.proposeMembership(next);
    this.options.log.info(`Membership change (${reason}): voters ${next.voters.join(', ')}${next.learners.length > 0 ? `; learners ${next.learners.join(', ')}` : ''}.`);
    this.schedulePump();
  }

  /** records an operator's policy for a member through the log (leader only); the keeper acts on it */
  setMemberPolicy(memberId: string, policy: MemberPolicy): void {
    const node = this.requireLeaderNode();
    node.propose(encodePolicyPayload(memberId, policy));
    this.options.log.info(`Member policy for ${memberId}: ${policy}.`);
    this.schedulePump();
  }

  memberPolicy(memberId: string): MemberPolicy {
    return this.machine?.policyOf(memberId) ?? 'auto';
  }

  /** hands leadership to `to`; settles once the outcome is known (leadership-transfer.ts) */
  transferLeadership(to: string): Promise<void> {
    const node = this.requireLeaderNode();
    const outcome = this.transfer.start(node, to, this.options.clock.monotonicMs());
    this.schedulePump();
    return outcome;
  }

  /** throws NotALeader (with this member's role) unless it leads */
  requireLeader(): void {
    this.requireLeaderNode();
  }

  private requireLeaderNode(): RawNode {
    const node = this.node;
    if (node === undefined || node.raft.role !== 'leader') throw this.notLeader();
    return node;
  }

  // ---- status ----

  role(): ClusterRole {
    const role = this.node?.raft.role;
    if (role === 'leader') return 'LEADER';
    if (role === 'candidate') return 'CANDIDATE';
    return 'FOLLOWER';
  }

  status(): MemberStatus {
    const raft = this.node?.raft;
    const nowMs = this.options.clock.monotonicMs();
    const membership = raft?.membership ?? { voters: [], learners: [] };
    return {
      memberId: this.options.selfId,
      clusterId: this.binding?.clusterId ?? null,
      role: this.role(),
      participating: raft !== undefined && (membership.voters.includes(this.options.selfId) || membership.learners.includes(this.options.selfId)),
      isVoter: membership.voters.includes(this.options.selfId),
      term: raft?.term ?? 0,
      leaderId: raft?.lead ?? null,
      lastIndex: raft?.log.lastIndex() ?? 0,
      commitIndex: raft?.log.committed ?? 0,
      appliedIndex: this.machine?.appliedIndex ?? 0,
      lastAppliedTxId: this.engine.lastAppliedTxId(),
      voters: [...membership.voters],
      learners: [...membership.learners],
      millisSinceLastLeaderMessage: raft?.role === 'leader' ? 0 : this.lastLeaderMessageMs === null ? null : nowMs - this.lastLeaderMessageMs,
      holdsLease: this.holdsLease(),
      stopped: this.driver?.stopped ?? false,
      replication: { ...this.counts, ...this.pending.txOutcomes },
    };
  }

  selfInfo(): MemberInfo {
    const o = this.options;
    const raft = this.node?.raft;
    const addresses = o.addresses();
    return {
      memberId: o.selfId, mode: 'CORE', clusterId: this.binding?.clusterId ?? null, initialVoters: this.binding?.initialVoters ?? [],
      discoveryAddress: addresses.discovery, raftAddress: addresses.raft, catchupAddress: addresses.catchup,
      boltAddress: addresses.bolt, httpAddress: addresses.http, httpsAddress: addresses.https ?? null, groups: o.groups, refuseToBeLeader: o.refuseToBeLeader,
      database: o.databaseName, raftRole: this.role(), term: raft?.term ?? 0, appliedIndex: this.machine?.appliedIndex ?? 0,
      storeTxId: this.engine.lastAppliedTxId(), seedTxId: this.binding?.seed?.txId ?? 0, seederId: this.binding?.seed?.memberId ?? null,
    };
  }

  private publish(): void {
    this.network?.publish(this.selfInfo());
  }
}
