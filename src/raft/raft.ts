// The Raft protocol state machine: pure and synchronous. Time arrives as tick() calls, inbound
// messages as step(), and everything the shell must do comes back from ready() (see raw-node.ts
// for the contract). No clock, no randomness except the injected source, no I/O, no await.
import { Neo4jError, Status } from '../core/errors.js';
import { RaftLog } from './log.js';
import type { AppendRequest, Heartbeat, InstallSnapshot, Message, VoteRequest, VoteResponse } from './messages.js';
import { fromLeader } from './messages.js';
import { bcastAppend, bcastHeartbeat, handleAppendResponse, handleHeartbeatResponse, sendAppend } from './leader.js';
import { Progress } from './progress.js';
import { committedIndex, hasQuorum, voteOutcome } from './quorum.js';
import type { ReadState } from './read-index.js';
import { ReadIndexQueue } from './read-index.js';
import type { RaftConfig, RaftInit, Role } from './config.js';
import { validateMembershipStep, validatePromotion } from './membership.js';
import type { Entry, HardState, MemberId, Membership } from './types.js';
import { allMembers, decodeMembership, encodeMembership, isVoter } from './types.js';

export class Raft {
  readonly id: MemberId;
  readonly config: RaftConfig;
  term: number;
  vote: MemberId | null;
  lead: MemberId | null = null;
  role: Role = 'follower';
  readonly log: RaftLog;
  membership: Membership;
  /** leader only: one per other member (voters and learners) */
  readonly progress = new Map<MemberId, Progress>();
  readonly votes = new Map<MemberId, boolean>();
  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTicks: number;
  /** leader only: the member leadership is being handed to */
  transferee: MemberId | null = null;
  outbox: Message[] = [];
  /** leader only: a commit update may be due (see flushCommitUpdate) */
  commitUpdatePending = false;
  readStates: ReadState[] = [];
  readonly reads: ReadIndexQueue;
  /** the bootstrap membership (before any config entry or snapshot) */
  readonly initialMembership: Membership;

  constructor(config: RaftConfig, init: RaftInit) {
    if (config.electionTicks <= config.heartbeatTicks) throw new RangeError('election timeout must exceed the heartbeat interval');
    if (config.heartbeatTicks < 1) throw new RangeError('heartbeat interval must be at least one tick');
    this.id = config.id;
    this.config = config;
    this.term = init.hardState.term;
    this.vote = init.hardState.vote;
    this.log = new RaftLog(init.snapshot, init.entries, init.hardState.commit);
    this.initialMembership = init.initialMembership;
    this.membership = init.initialMembership;
    this.recomputeMembership();
    this.reads = new ReadIndexQueue(config.maxPendingReads);
    this.randomizedElectionTicks = this.drawElectionTicks();
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  /** may this member stand for election? */
  promotable(): boolean {
    return !this.config.refuseToBeLeader && isVoter(this.membership, this.id) && this.log.pendingSnapshot === null
      && this.log.lastIndex() >= (this.config.campaignAfterIndex ?? 0);
  }

  // ---- role changes -------------------------------------------------------------------------

  becomeFollower(term: number, lead: MemberId | null): void {
    if (term < this.term) throw new Error(`term regression ${this.term} -> ${term}`);
    if (term > this.term) {
      this.term = term;
      this.vote = null;
    }
    this.reset();
    this.role = 'follower';
    this.lead = lead;
  }

  private becomePreCandidate(): void {
    if (this.role === 'leader') throw new Error('a leader cannot pre-campaign');
    // Pre-vote changes neither term nor vote: a member that cannot win never disturbs others.
    if (this.config.unsafe?.preCandidateRaisesTerm === true) {
      this.term += 1;
      this.vote = null;
    }
    this.reset();
    this.role = 'preCandidate';
    this.lead = null;
  }

  private becomeCandidate(): void {
    if (this.role === 'leader') throw new Error('a leader cannot campaign');
    this.term += 1;
    this.vote = this.id;
    this.reset();
    this.role = 'candidate';
    this.lead = null;
  }

  private becomeLeader(): void {
    if (this.role !== 'candidate') throw new Error(`only a candidate can lead, not a ${this.role}`);
    this.reset();
    this.role = 'leader';
    this.lead = this.id;
    this.syncProgress();
    // The no-op of the new term: committing it commits everything before it (Figure 8 rule) and
    // unlocks membership changes (the 2015 single-server-change fix).
    this.appendOwn('empty', new Uint8Array(0));
    bcastAppend(this);
  }

  private reset(): void {
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTicks = this.drawElectionTicks();
    this.votes.clear();
    this.progress.clear();
    this.transferee = null;
    this.reads.clear();
  }

  /**
   * The transport saw the connection to the leader drop (its process most likely died): forget
   * the leader, so this follower grants pre-votes at once (etcd's ForgetLeader), and campaign
   * within half an election timeout instead of a whole one. Safe whatever the truth: a live
   * leader's next heartbeat restores it, and members that still hear from it refuse the pre-vote.
   */
  leaderUnreachable(): void {
    if (this.role !== 'follower' || this.lead === null) return;
    this.lead = null;
    const soon = this.randomizedElectionTicks - 1 - this.config.random.int(Math.max(1, Math.floor(this.config.electionTicks / 2)));
    this.electionElapsed = Math.max(this.electionElapsed, soon);
  }

  private drawElectionTicks(): number {
    return this.config.electionTicks + this.config.random.int(this.config.electionTicks);
  }

  // ---- time ---------------------------------------------------------------------------------

  tick(): void {
    if (this.role === 'leader') this.tickLeader();
    else this.tickElection();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.electionElapsed >= this.randomizedElectionTicks && this.promotable()) {
      this.electionElapsed = 0;
      this.campaign(this.config.preVote ? 'preVote' : 'vote', false);
    }
  }

  private tickLeader(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.config.electionTicks) {
      this.electionElapsed = 0;
      if (this.config.checkQuorum && !this.quorumActive()) {
        this.becomeFollower(this.term, null);
        return;
      }
      // A transfer that did not finish within an election timeout is abandoned.
      this.transferee = null;
    }
    if (this.heartbeatElapsed >= this.config.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      bcastHeartbeat(this, 0);
    }
  }

  private quorumActive(): boolean {
    const active = new Set<MemberId>([this.id]);
    for (const [id, pr] of this.progress) {
      if (pr.recentActive) active.add(id);
      pr.recentActive = false;
    }
    return hasQuorum(this.membership.voters, active);
  }

  // ---- elections ----------------------------------------------------------------------------

  campaign(kind: 'preVote' | 'vote', transfer: boolean): void {
    if (kind === 'preVote') this.becomePreCandidate();
    else this.becomeCandidate();
    const term = kind === 'preVote' ? this.term + 1 : this.term;
    this.votes.set(this.id, true);
    if (voteOutcome(this.membership.voters, this.votes) === 'won') {
      this.onElectionWon(kind);
      return;
    }
    for (const to of this.membership.voters) {
      if (to === this.id) continue;
      this.send({ kind, from: this.id, to, term, lastIndex: this.log.lastIndex(), lastTerm: this.log.lastTerm(), transfer });
    }
  }

  private onElectionWon(kind: 'preVote' | 'vote'): void {
    if (kind === 'preVote') this.campaign('vote', false);
    else this.becomeLeader();
  }

  private handleVoteRequest(m: VoteRequest): void {
    // A fresh vote, a repeat of our vote, or a pre-vote for a later term (which binds nothing).
    const canVote = this.vote === m.from || (this.vote === null && this.lead === null) || (m.kind === 'preVote' && m.term > this.term);
    const logOk = this.config.unsafe?.voteWithoutLogCheck === true || this.log.isUpToDate(m.lastIndex, m.lastTerm);
    const respKind = m.kind === 'vote' ? 'voteResp' : 'preVoteResp';
    if (canVote && logOk) {
      this.send({ kind: respKind, from: this.id, to: m.from, term: m.term, granted: true });
      if (m.kind === 'vote') {
        this.electionElapsed = 0;
        this.vote = m.from;
      } else if (this.config.unsafe?.preVoteGrantAdoptsTerm === true && m.term > this.term) {
        this.term = m.term;
        this.vote = null;
      }
      return;
    }
    this.send({ kind: respKind, from: this.id, to: m.from, term: this.term, granted: false });
  }

  private handleVoteResponse(m: VoteResponse): void {
    const expectedKind = this.role === 'preCandidate' ? 'preVoteResp' : 'voteResp';
    if (m.kind !== expectedKind) return;
    if (m.kind === 'preVoteResp' && m.granted && m.term !== this.term + 1) return;
    if (!(m.kind === 'preVoteResp' && m.granted) && m.term !== this.term) return;
    if (!this.votes.has(m.from)) this.votes.set(m.from, m.granted);
    const outcome = voteOutcome(this.membership.voters, this.votes);
    if (outcome === 'won') this.onElectionWon(m.kind === 'preVoteResp' ? 'preVote' : 'vote');
    else if (outcome === 'lost') this.becomeFollower(this.term, null);
  }

  // ---- the message entry point ----------------------------------------------------------------

  step(m: Message): void {
    if (m.to !== this.id) return;
    if (m.term > this.term) {
      if (!this.acceptHigherTerm(m)) return;
    } else if (m.term < this.term) {
      this.answerStaleTerm(m);
      return;
    }
    switch (m.kind) {
      case 'vote':
      case 'preVote':
        this.handleVoteRequest(m);
        return;
      case 'voteResp':
      case 'preVoteResp':
        if (this.role === 'candidate' || this.role === 'preCandidate') this.handleVoteResponse(m);
        return;
      default:
        break;
    }
    if (this.role === 'leader') this.stepLeader(m);
    else this.stepFollower(m);
  }

  /** returns false when the message must be dropped */
  private acceptHigherTerm(m: Message): boolean {
    if (m.kind === 'vote' || m.kind === 'preVote') {
      // Leader lease: while we hear from a leader, nobody may start a new term (a member that
      // was partitioned away and returns cannot depose a healthy leader).
      const inLease = this.config.checkQuorum && this.lead !== null && this.electionElapsed < this.config.electionTicks;
      if (inLease && !m.transfer) return false;
    }
    if (m.kind === 'preVote') return true;
    if (m.kind === 'preVoteResp' && m.granted) return true;
    this.becomeFollower(m.term, fromLeader(m) ? m.from : null);
    return true;
  }

  private answerStaleTerm(m: Message): void {
    if (m.kind === 'append' || m.kind === 'heartbeat') {
      // Tell a deposed leader about the newer term so it steps down (needed with pre-vote and
      // check-quorum, where the rest of the cluster never raises its term towards it).
      this.send({ kind: 'appendResp', from: this.id, to: m.from, term: this.term, success: false, matchIndex: 0, rejectIndex: 0, hintIndex: 0, hintTerm: 0 });
    } else if (m.kind === 'preVote') {
      this.send({ kind: 'preVoteResp', from: this.id, to: m.from, term: this.term, granted: false });
    }
  }

  private stepFollower(m: Message): void {
    switch (m.kind) {
      case 'append':
        this.followLeader(m.from);
        this.handleAppend(m);
        return;
      case 'heartbeat':
        this.followLeader(m.from);
        this.handleHeartbeat(m);
        return;
      case 'snapshot':
        this.followLeader(m.from);
        this.handleSnapshot(m);
        return;
      case 'commit':
        this.followLeader(m.from);
        this.log.commitTo(Math.min(m.commit, this.log.lastIndex()));
        return;
      case 'timeoutNow':
        if (this.promotable()) this.campaign('vote', true);
        return;
      default:
        return;
    }
  }

  private followLeader(from: MemberId): void {
    if (this.role !== 'follower') this.becomeFollower(this.term, from);
    this.lead = from;
    this.electionElapsed = 0;
  }

  // ---- follower: replication ----------------------------------------------------------------

  private handleAppend(m: AppendRequest): void {
    const reply = (success: boolean, matchIndex: number, hintIndex = 0, hintTerm = 0): void =>
      this.send({ kind: 'appendResp', from: this.id, to: m.from, term: this.term, success, matchIndex, rejectIndex: m.prevIndex, hintIndex, hintTerm });
    if (m.prevIndex < this.log.committed) {
      reply(true, this.log.committed);
      return;
    }
    if (this.log.matchTerm(m.prevIndex, m.prevTerm)) {
      const lastNew = m.prevIndex + m.entries.length;
      const lastBefore = this.log.lastIndex();
      const firstWritten = this.log.appendAfter(m.prevIndex, m.entries);
      if (firstWritten > 0) this.onLogChanged(firstWritten <= lastBefore, m.entries);
      this.log.commitTo(Math.min(m.commit, lastNew));
      reply(true, lastNew);
      return;
    }
    const hint = this.log.findConflictByTerm(Math.min(m.prevIndex, this.log.lastIndex()), m.prevTerm);
    reply(false, 0, hint.index, hint.term);
  }

  private handleHeartbeat(m: Heartbeat): void {
    this.log.commitTo(Math.min(m.commit, this.log.lastIndex()));
    this.send({ kind: 'heartbeatResp', from: this.id, to: m.from, term: this.term, readRound: m.readRound });
  }

  private handleSnapshot(m: InstallSnapshot): void {
    const meta = m.snapshot.meta;
    const reply = (matchIndex: number): void =>
      this.send({ kind: 'appendResp', from: this.id, to: m.from, term: this.term, success: true, matchIndex, rejectIndex: 0, hintIndex: 0, hintTerm: 0 });
    if (meta.index <= this.log.committed) {
      reply(this.log.committed);
      return;
    }
    if (this.log.pendingSnapshot === null && this.log.matchTerm(meta.index, meta.term)) {
      // We already hold the snapshot's last entry: just learn that it is committed.
      this.log.commitTo(meta.index);
      reply(meta.index);
      return;
    }
    this.log.restore(m.snapshot);
    this.recomputeMembership();
    reply(meta.index);
  }

  /** new entries arrived (possibly replacing a suffix): track membership carried in them */
  private onLogChanged(truncated: boolean, written: readonly Entry[]): void {
    if (truncated || written.some((e) => e.kind === 'config')) this.recomputeMembership();
  }

  /** the configuration in force is the newest one in the log, used as soon as it is appended */
  recomputeMembership(): void {
    let found: Membership | null = null;
    for (let i = this.log.entries.length - 1; i >= 0; i--) {
      const entry = this.log.entries[i] as Entry;
      if (entry.kind === 'config') {
        found = decodeMembership(entry.data);
        break;
      }
    }
    this.membership = found ?? this.log.snapshot?.meta.membership ?? this.initialMembership;
    if (this.role === 'leader') this.syncProgress();
  }

  // ---- leader -------------------------------------------------------------------------------

  private stepLeader(m: Message): void {
    const pr = this.progress.get(m.from);
    if (pr === undefined) return;
    switch (m.kind) {
      case 'appendResp':
        pr.recentActive = true;
        handleAppendResponse(this, m, pr);
        return;
      case 'heartbeatResp':
        pr.recentActive = true;
        handleHeartbeatResponse(this, m, pr);
        return;
      case 'commitQuery':
        pr.recentActive = true;
        pr.commitWanted = true;
        this.commitUpdatePending = true;
        return;
      default:
        return;
    }
  }

  /** the leader's own durable entries count towards the quorum like anyone's */
  matchOf(id: MemberId): number {
    if (id === this.id) return this.log.stableIndex;
    return this.progress.get(id)?.match ?? 0;
  }

  /** advances the commit index; returns whether it moved */
  maybeCommit(): boolean {
    if (this.role !== 'leader' || this.config.unsafe?.neverCommit === true) return false;
    const index = committedIndex(this.membership.voters, (id) => this.matchOf(id));
    if (index <= this.log.committed) return false;
    // Only an entry of the current term is committed by counting; earlier ones follow it.
    const countingAllowed = this.config.unsafe?.commitPreviousTermByCounting === true;
    if (!countingAllowed && this.log.term(index) !== this.term) return false;
    this.log.commitTo(index);
    this.afterCommit();
    return true;
  }

  private afterCommit(): void {
    // A leader that removed itself leads until that change commits, then steps aside.
    if (!isVoter(this.membership, this.id) && !this.configChangePending()) {
      bcastAppend(this);
      this.becomeFollower(this.term, null);
    }
  }

  configChangePending(): boolean {
    for (let i = this.log.lastIndex(); i > this.log.committed; i--) {
      if (this.log.entry(i)?.kind === 'config') return true;
    }
    return false;
  }

  private syncProgress(): void {
    const wanted = new Set(allMembers(this.membership));
    wanted.delete(this.id);
    for (const id of [...this.progress.keys()]) if (!wanted.has(id)) this.progress.delete(id);
    for (const id of wanted) {
      if (!this.progress.has(id)) this.progress.set(id, new Progress(this.log.lastIndex() + 1, this.config.maxInflightAppends));
    }
  }

  appendOwn(kind: Entry['kind'], data: Uint8Array): Entry {
    const entry: Entry = { term: this.term, index: this.log.lastIndex() + 1, kind, data };
    this.log.append(entry);
    if (kind === 'config') this.recomputeMembership();
    return entry;
  }

  // ---- requests from the application ------------------------------------------------------------

  private requireLeader(): void {
    if (this.role !== 'leader') throw new Neo4jError(Status.NotALeader, `member ${this.id} is not the leader (leader: ${this.lead ?? 'unknown'})`);
  }

  propose(data: Uint8Array): Entry {
    this.requireLeader();
    if (this.transferee !== null) throw new Neo4jError(Status.NotALeader, `leadership is being transferred to ${this.transferee}`);
    if (this.log.lastIndex() - this.log.committed >= this.config.maxUncommittedEntries) {
      throw new Neo4jError(Status.ReplicationFailure, 'too many uncommitted entries; retry later');
    }
    const entry = this.appendOwn('normal', data);
    bcastAppend(this);
    return entry;
  }

  /**
   * Proposes the next membership. Safe single-server changes: at most one voter added or
   * removed, one change in flight, and none before this leader committed an entry of its term.
   */
  proposeMembership(next: Membership): Entry {
    this.requireLeader();
    if (this.log.term(this.log.committed) !== this.term) {
      throw new Neo4jError(Status.ReplicationFailure, 'the leader has not yet committed an entry of its term; retry');
    }
    if (this.configChangePending()) throw new Neo4jError(Status.ReplicationFailure, 'a membership change is already in progress; retry');
    validateMembershipStep(this.membership, next);
    validatePromotion(this.membership, next, (id) => this.matchOf(id), this.log.lastIndex());
    const entry = this.appendOwn('config', encodeMembership(next));
    bcastAppend(this);
    return entry;
  }

  readIndex(context: number): void {
    this.requireLeader();
    if (this.log.term(this.log.committed) !== this.term) {
      throw new Neo4jError(Status.ReplicationFailure, 'the leader has not yet committed an entry of its term; retry');
    }
    const soleVoter = this.membership.voters.length === 1 && isVoter(this.membership, this.id);
    if (soleVoter || this.config.unsafe?.readWithoutHeartbeat === true) {
      this.readStates.push({ context, index: this.log.committed });
      return;
    }
    if (this.reads.full()) throw new Neo4jError(Status.ReplicationFailure, 'too many reads waiting for confirmation; retry');
    const round = this.reads.add(context, this.log.committed, this.id);
    bcastHeartbeat(this, round);
  }

  transferLeadership(to: MemberId): void {
    this.requireLeader();
    if (to === this.id) return;
    if (!isVoter(this.membership, to)) throw new Neo4jError(Status.ArgumentError, `${to} is not a voter`);
    const pr = this.progress.get(to) as Progress;
    this.transferee = to;
    this.electionElapsed = 0;
    if (pr.match === this.log.lastIndex()) this.send({ kind: 'timeoutNow', from: this.id, to, term: this.term });
    else sendAppend(this, to, pr);
  }

  send(m: Message): void {
    this.outbox.push(m);
  }
}

export type { RaftConfig, RaftInit, Role, UnsafeVariants } from './config.js';
export { defaultRaftLimits } from './config.js';
