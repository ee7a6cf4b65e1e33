// Runs one whole cluster in one process from one seed (TigerBeetle VOPR style). Two phases:
//   safety   — faults: message loss, duplication, delay and reordering; partitions (isolation,
//              halves, one-way links); crashes that lose unsynced writes or tear the last one;
//              read and fsync errors (fail-stop); membership changes and leadership transfers;
//   liveness — the network and disks heal and every member restarts: a leader must appear
//              within a bound, and every acknowledged write must be applied everywhere.
// Checkers (checkers.ts, linearizability.ts) watch from outside; any thrown assertion inside the
// system under test is also a failure. Everything random flows from the seed.
import { SeededRandom } from '../../src/env/random.js';
import type { Message } from '../../src/raft/messages.js';
import type { Ready } from '../../src/raft/raw-node.js';
import type { ReadyStep } from '../../src/replication/driver.js';
import { decodeMessage, encodeMessage } from '../../src/replication/message-codec.js';
import type { MemberId, Membership } from '../../src/raft/types.js';
import { allMembers, isMember } from '../../src/raft/types.js';
import { SafetyChecker } from './checkers.js';
import { checkLiveness, opShares, settleWatchAfterTicks } from './liveness.js';
import { HistoryRecorder } from './recorder.js';
import { checkHistory } from './linearizability.js';
import { SimMember } from './member.js';
import type { SimOptions } from './options.js';
import { SimDisk } from './sim-disk.js';
import { SimNetwork } from './sim-network.js';
import { Workload } from './workload.js';

export interface SimResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly failures: readonly string[];
  readonly ticks: number;
  readonly leaderChanges: number;
  readonly crashes: number;
  readonly partitions: number;
  readonly membershipChanges: number;
  readonly transfers: number;
  readonly snapshotsSent: number;
  readonly opsOk: number;
  readonly opsUnknown: number;
  readonly checks: number;
  readonly linearizability: string;
  /** ticks from healing until a leader was acknowledged by its whole configuration */
  readonly healLeaderTicks: number;
  /** crashes at a crash point inside the handling of one Ready */
  readonly crashPointCrashes: number;
  /** ticks from healing until the settled leader had committed in its term (-1: never) */
  readonly ownTermCommitTicks: number;
  /** the lower of the read and write success shares after settling (1 when none were judged) */
  readonly opShareMin: number;
}

const readySteps: readonly ReadyStep[] = ['persist', 'send', 'apply', 'advance'];

export class Simulation {
  now = 0;
  readonly random: SeededRandom;
  readonly network: SimNetwork;
  readonly checker: SafetyChecker;
  readonly recorder: HistoryRecorder;
  readonly members: SimMember[] = [];
  readonly workload: Workload;
  readonly failures: string[] = [];
  private partitions = 0;
  private membershipChanges = 0;
  private transfers = 0;
  private snapshotsSent = 0;
  private healing = false;
  private healedAt = -1;
  private settledAt = -1;
  private settledTerm = 0;
  private ownTermCommitAt = -1;
  private commitAtHeal = 0;
  private crashPointCrashes = 0;
  private opShareMin = 1;

  /** a stream of its own, so the seeds' other choices stay what they were */
  private readonly lostRandom: SeededRandom;

  constructor(readonly options: SimOptions) {
    this.lostRandom = new SeededRandom(options.seed ^ 0x10575);
    this.random = new SeededRandom(options.seed);
    this.network = new SimNetwork(this.random.fork(), {
      dropRate: options.dropRate,
      duplicateRate: options.duplicateRate,
      delayTicksMin: options.delayTicksMin,
      delayTicksMax: options.delayTicksMax,
    });
    this.checker = new SafetyChecker(() => this.now);
    this.recorder = new HistoryRecorder(() => this.now, options.asyncWrites);
    this.workload = new Workload(this.random.fork(), options.clients, options.keys, options.electionTicks * 3);
    const ids = Array.from({ length: options.voters + options.learners + options.spares }, (_, i) => `m${i + 1}`);
    const initial: Membership = { voters: ids.slice(0, options.voters), learners: ids.slice(options.voters, options.voters + options.learners) };
    const transport = { send: (m: Message) => this.send(m) };
    for (const id of ids) {
      const disk = new SimDisk(this.random.fork(), {
        readErrorRate: options.readErrorRate,
        fsyncErrorRate: options.fsyncErrorRate,
        writeErrorRate: options.writeErrorRate,
        tornWrites: options.tornWrites,
        fsyncLies: options.fsyncLies,
        fsyncDelayTicksMax: options.fsyncDelayTicksMax,
      });
      const member = new SimMember(
        {
          id,
          disk,
          initialMembership: isMember(initial, id) ? initial : { voters: [], learners: [] },
          electionTicks: options.electionTicks,
          heartbeatTicks: options.heartbeatTicks,
          compactAfterEntries: options.compactAfterEntries,
          maxAppendBytes: options.maxAppendBytes,
          maxInflightAppends: options.maxInflightAppends,
          random: this.random.fork(),
          unsafe: options.unsafe,
          refuseToBeLeader: options.refuseToBeLeader && id === ids[options.voters - 1],
          shellBugs: options.shellBugs,
          asyncWrites: options.asyncWrites,
        },
        transport,
        this.checker,
        {
          onPersisted: () => undefined,
          onApply: (m, entry, command) => {
            this.recorder.onApply(m.id, entry.index);
            this.workload.onApply(m, entry, command);
          },
          onReadState: (m, state) => this.workload.onReadState(m, state),
          onRecovered: (m, recovered) => this.recorder.onStart(m.id, recovered),
          onRestore: (m, index) => this.recorder.onRestore(m.id, index),
          crashPoint: (m, step, ready) => this.crashPoint(m, step, ready),
        },
      );
      this.members.push(member);
    }
  }

  private send(message: Message): void {
    this.recorder.onSend(message, this.member(message.from)?.node?.raft.log);
    if (message.kind === 'snapshot') this.snapshotsSent++;
    // Some messages take the real wire format, so the codec runs inside the cluster too.
    const wire = this.random.chance(0.1) ? decodeMessage(encodeMessage(message)) : message;
    this.network.send(wire, this.now);
  }

  private fail(message: string): void {
    if (this.failures.length < 20) this.failures.push(`tick ${this.now}: ${message}`);
  }

  member(id: MemberId): SimMember | undefined {
    return this.members.find((m) => m.id === id);
  }

  /** the up member that leads the highest term, if any */
  leader(): SimMember | null {
    let best: SimMember | null = null;
    for (const m of this.members) {
      const raft = m.node?.raft;
      if (raft?.role !== 'leader') continue;
      if (best === null || raft.term > (best.node?.raft.term ?? 0)) best = m;
    }
    return best;
  }

  run(): SimResult {
    try {
      for (const m of this.members) this.startMember(m);
      const total = this.options.faultTicks + this.options.healTicks;
      while (this.now < total && this.failures.length === 0 && this.checker.violations.length === 0) {
        if (this.now === this.options.faultTicks) this.heal();
        this.step();
      }
      if (this.failures.length === 0 && this.checker.violations.length === 0) this.checkLiveness();
    } catch (error) {
      // The checkers still judge what happened up to the assertion: they must see the bug too.
      this.collectViolations();
      this.fail(`assertion: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    for (const m of this.members) if (m.node !== null) this.checker.afterStep(m.id, m.node.raft);
    for (const v of this.recorder.finish(this.checker.committedMax)) if (this.failures.length < 20) this.failures.push(v);
    return this.result();
  }

  /** one tick: nemesis, deliveries, member ticks, clients */
  step(): void {
    this.now++;
    if (!this.healing) this.nemesis();
    for (const message of this.network.deliver(this.now)) {
      const target = this.member(message.to);
      if (target?.driver) {
        if (this.now < target.pausedUntil) {
          target.held.push(message);
          continue;
        }
        target.driver.receive(message);
        this.afterInput(target, message);
      }
    }
    this.deliverHeld();
    for (const m of this.members) {
      if (this.now < m.pausedUntil || !m.up) continue;
      // fsyncs in flight finish; their callbacks run in the member's process, so not while paused
      const fsynced = m.params.disk.tick();
      const imaged = m.up && m.tickImages();
      if ((fsynced || imaged) && m.up) this.afterInput(m, 'local');
    }
    for (const m of this.members) {
      if (this.now < m.pausedUntil) continue;
      if (!m.up) {
        if (this.now >= m.downUntil) this.startMember(m);
        continue;
      }
      const skipRate = m.id === 'm1' ? Math.max(this.options.tickSkipRate, this.options.slowClockSkipRate) : this.options.tickSkipRate;
      if (!this.healing && this.random.chance(skipRate)) continue;
      m.driver?.tick();
      this.afterInput(m, 'tick');
    }
    const leader = this.leader();
    const opRate = this.healing && this.now > this.clientsStopAt() ? 0 : this.options.opRate;
    this.workload.step(this.now, this.members, opRate, leader?.id ?? null);
    // A request can end a process at a crash point too; and the checkers see its effects.
    for (const m of this.members) if (m.failedStop()) this.afterInput(m, 'local');
    if (this.healing) this.watchSettling(leader);
  }

  private clientsStopAt(): number {
    return this.options.faultTicks + this.options.healTicks / 2;
  }

  private afterInput(m: SimMember, input: Message | 'tick' | 'local'): void {
    const node = m.node;
    if (node !== null) {
      this.checker.afterStep(m.id, node.raft);
      this.recorder.afterInput(m.id, node.raft, input);
    }
    if (m.failedStop()) {
      // Fail-stop after an I/O error or a crash point: the process exits, losing what was not synced.
      this.crashMember(m, 1 + this.random.int(this.options.downTicksMax));
    }
    this.collectViolations();
  }

  private collectViolations(): void {
    for (const v of this.checker.violations) if (this.failures.length < 20) this.failures.push(v);
    this.checker.violations.length = 0;
    for (const v of this.recorder.violations) if (this.failures.length < 20) this.failures.push(v);
    this.recorder.violations.length = 0;
  }

  /**
   * The crash-point nemesis: an armed member dies before the chosen step of its next Ready that
   * writes or sends anything; a leader that just won or advanced its commit may die before
   * sending (the fragile moments, BUGGIFY-style).
   */
  private crashPoint(m: SimMember, step: ReadyStep, ready: Ready): boolean {
    if (this.healing) return false;
    const eventful = ready.hardState !== null || ready.entries.length > 0 || ready.messages.length > 0 || ready.snapshot !== null;
    let dies = m.armedCrash === step && eventful;
    if (!dies && step === 'send' && ready.softState.role === 'leader') {
      const wonElection = ready.entries.some((e) => e.kind === 'empty');
      if ((wonElection || ready.hardState !== null) && this.random.chance(this.options.fragileCrashRate)) dies = true;
    }
    if (dies) {
      m.armedCrash = null;
      this.crashPointCrashes++;
    }
    return dies;
  }

  /** healing: when a leader is acknowledged by its whole configuration, and commits in its term */
  private watchSettling(leader: SimMember | null): void {
    if (this.ownTermCommitAt >= 0 || this.now < this.healedAt + settleWatchAfterTicks(this.options.electionTicks, this.options.delayTicksMax)) return;
    const raft = leader?.node?.raft;
    if (leader === null || raft === undefined) return;
    for (const id of allMembers(raft.membership)) {
      const other = this.member(id)?.node?.raft;
      if (other === undefined || other.term !== raft.term || (id !== leader.id && other.lead !== leader.id)) return;
    }
    if (this.settledAt < 0) {
      this.settledAt = this.now;
      this.settledTerm = raft.term;
    }
    if (raft.log.term(raft.log.committed) === raft.term) this.ownTermCommitAt = this.now;
  }

  /** a resumed process works through what queued up while it was stopped, a little late */
  private deliverHeld(): void {
    for (const m of this.members) {
      if (m.held.length === 0 || this.now < m.pausedUntil + 2) continue;
      const held = m.held;
      m.held = [];
      for (const message of held) {
        if (!m.driver) break;
        m.driver.receive(message);
        this.afterInput(m, message);
      }
    }
  }

  private startMember(m: SimMember): void {
    if (m.up) return;
    if (m.start() === 'io-error') {
      m.downUntil = this.now + 5;
      return;
    }
    this.afterInput(m, 'local');
  }

  /** starts every member without running (for scenario drivers that call step() themselves) */
  startAll(): void {
    for (const m of this.members) this.startMember(m);
  }

  crashMember(m: SimMember, downTicks: number): void {
    if (!m.up) return;
    m.crash();
    m.downUntil = this.now + downTicks;
    this.workload.onCrash(m.id);
  }

  // ---- faults ---------------------------------------------------------------------------------

  /** the members' transports saw their connection to the leader drop (truly, or a network blip) */
  private reportLeaderLost(members: readonly SimMember[]): void {
    for (const m of members) {
      if (m.node === null || this.now < m.pausedUntil) continue;
      m.node.leaderUnreachable();
      m.driver?.pump();
      this.afterInput(m, 'local');
    }
  }

  private nemesis(): void {
    const o = this.options;
    const r = this.random;
    if (r.chance(o.crashRate)) {
      const up = this.members.filter((m) => m.up);
      if (up.length > 0) this.crashMember(r.pick(up), 1 + r.int(o.downTicksMax));
    }
    if (r.chance(o.leaderCrashRate)) {
      const leader = this.leader();
      if (leader !== null) {
        this.crashMember(leader, 1 + r.int(o.downTicksMax));
        if (o.leaderLostRate > 0) this.reportLeaderLost(this.members.filter((m) => m.node?.raft.lead === leader.id));
      }
    }
    if (this.lostRandom.chance(o.leaderLostRate)) {
      const up = this.members.filter((m) => m.up);
      if (up.length > 0) this.reportLeaderLost([this.lostRandom.pick(up)]);
    }
    if (r.chance(o.crashPointRate)) {
      const up = this.members.filter((m) => m.up);
      if (up.length > 0) r.pick(up).armedCrash = r.pick(readySteps);
    }
    if (r.chance(o.pauseRate)) {
      const leader = this.leader();
      const up = this.members.filter((m) => m.up);
      const victim = leader !== null && r.chance(0.5) ? leader : up.length > 0 ? r.pick(up) : null;
      if (victim !== null) victim.pausedUntil = this.now + 1 + r.int(o.electionTicks * 5);
    }
    if (r.chance(o.partitionRate)) this.partitionOrHeal();
    if (r.chance(o.membershipRate)) this.changeMembership();
    if (r.chance(o.transferRate)) this.transferLeadership();
  }

  private partitionOrHeal(): void {
    const r = this.random;
    this.network.heal();
    if (r.chance(0.3)) return;
    this.partitions++;
    const ids = this.members.map((m) => m.id);
    const shape = r.int(3);
    if (shape === 0) {
      // Isolate one member both ways; half the time the leader (Jepsen's partition-leader).
      const leader = this.leader();
      const victim = leader !== null && r.chance(0.5) ? leader.id : r.pick(ids);
      for (const other of ids) if (other !== victim) this.blockBoth(victim, other);
    } else if (shape === 1) {
      // Split into two random halves.
      const side = new Set(ids.filter(() => r.chance(0.5)));
      for (const a of ids) for (const b of ids) if (side.has(a) && !side.has(b)) this.blockBoth(a, b);
    } else {
      // One-way: some links lose traffic in one direction only.
      const links = 1 + r.int(ids.length);
      for (let i = 0; i < links; i++) this.network.block(r.pick(ids), r.pick(ids));
    }
  }

  private blockBoth(a: MemberId, b: MemberId): void {
    this.network.block(a, b);
    this.network.block(b, a);
  }

  private changeMembership(): void {
    const leader = this.leader();
    const node = leader?.node;
    if (!node) return;
    const current = node.raft.membership;
    const ids = this.members.map((m) => m.id);
    const outsiders = ids.filter((id) => !isMember(current, id));
    const choices: (() => Membership)[] = [];
    const learner = current.learners[0];
    if (learner !== undefined && current.voters.length < 5) {
      choices.push(() => ({ voters: [...current.voters, learner], learners: current.learners.filter((id) => id !== learner) }));
    }
    if (current.voters.length > 3) {
      const voter = this.random.pick(current.voters);
      choices.push(() => ({ voters: current.voters.filter((id) => id !== voter), learners: [...current.learners, voter] }));
    }
    if (outsiders.length > 0) {
      const outsider = this.random.pick(outsiders);
      choices.push(() => ({ voters: current.voters, learners: [...current.learners, outsider] }));
    }
    if (learner !== undefined) choices.push(() => ({ voters: current.voters, learners: current.learners.filter((id) => id !== learner) }));
    if (choices.length === 0) return;
    try {
      node.proposeMembership(this.random.pick(choices)());
      this.membershipChanges++;
    } catch {
      // Refused (no current-term commit yet, or a change in flight): fine, try again later.
    }
  }

  private transferLeadership(): void {
    const leader = this.leader();
    const node = leader?.node;
    if (!node) return;
    const others = node.raft.membership.voters.filter((id) => id !== node.id);
    if (others.length === 0) return;
    try {
      node.transferLeadership(this.random.pick(others));
      this.transfers++;
    } catch {
      // Not a voter any more or similar: nothing to do.
    }
  }

  // ---- liveness -------------------------------------------------------------------------------

  private heal(): void {
    this.healing = true;
    this.healedAt = this.now;
    for (const m of this.members) this.commitAtHeal = Math.max(this.commitAtHeal, m.node?.raft.log.committed ?? 0);
    this.network.heal();
    this.network.faultsEnabled = false;
    for (const m of this.members) {
      // A refusing member may hold the only up-to-date log, and Raft promises no leader then;
      // the operator's remedy is to restart it without the setting.
      if (m.refuseToBeLeader) {
        m.refuseToBeLeader = false;
        this.crashMember(m, 0);
      }
      m.params.disk.faultsEnabled = false;
      m.downUntil = this.now;
      m.pausedUntil = Math.min(m.pausedUntil, this.now);
    }
  }

  /**
   * After healing: the recorded settling, commits, client outcomes and term changes must pass
   * liveness.ts; then every member of the final configuration applies everything committed.
   * Clients stop halfway through the healing phase; a slow catch-up (flow control at its
   * smallest) may use up to convergeTicksMax more ticks before it counts as a liveness failure.
   */
  private checkLiveness(): void {
    const convergeTicksMax = 4000;
    let problems = this.convergenceProblems();
    for (let extra = 0; problems.length > 0 && extra < convergeTicksMax; extra++) {
      this.step();
      if (this.failures.length > 0) return;
      if (extra % 50 === 49) problems = this.convergenceProblems();
    }
    for (const problem of problems) this.fail(`liveness: ${problem}`);
    let commitAtEnd = 0;
    for (const m of this.members) commitAtEnd = Math.max(commitAtEnd, m.node?.raft.log.committed ?? 0);
    const record = {
      healedAt: this.healedAt,
      settledAt: this.settledAt,
      settledTerm: this.settledTerm,
      ownTermCommitAt: this.ownTermCommitAt,
      commitAtHeal: this.commitAtHeal,
      commitAtEnd,
      clientsStoppedAt: this.clientsStopAt(),
      ops: this.workload.outcomes,
      termChanges: this.recorder.termChanges,
    };
    for (const v of checkLiveness(record)) this.fail(v);
    this.opShareMin = Math.min(1, ...opShares(record).filter((s) => s.judged >= 5).map((s) => s.ok / s.judged));
  }

  private convergenceProblems(): string[] {
    const problems: string[] = [];
    const leader = this.leader();
    if (leader?.node == null || leader.driver == null) return ['no leader at the end of the run'];
    const raft = leader.node.raft;
    const members = allMembers(raft.membership);
    const committed = raft.log.committed;
    for (const id of members) {
      const m = this.member(id);
      if (!m?.driver || !m.kv) problems.push(`member ${id} is down at the end`);
      else if (m.driver.appliedIndex < committed) problems.push(`${id} applied ${m.driver.appliedIndex} of ${committed} committed entries`);
    }
    for (const [opId, index] of this.workload.stats.ackedWrites) {
      if (index > committed) problems.push(`acknowledged write ${opId} at index ${index} beyond the final commit ${committed}`);
    }
    const reference = leader.kv?.values;
    for (const id of members) {
      const values = this.member(id)?.kv?.values;
      if (!values || !reference) continue;
      if (JSON.stringify([...values].sort()) !== JSON.stringify([...reference].sort())) problems.push(`${id} state differs from the leader's`);
    }
    return problems;
  }

  private result(): SimResult {
    let linearizability = 'not checked';
    if (this.failures.length === 0) {
      const verdict = checkHistory(this.workload.history);
      linearizability = verdict.verdict;
      if (verdict.verdict === 'violation') this.fail(`linearizability: history of key ${verdict.key ?? '?'} is not linearizable`);
    }
    return {
      seed: this.options.seed,
      ok: this.failures.length === 0,
      failures: this.failures,
      ticks: this.now,
      leaderChanges: this.checker.leaderChanges,
      crashes: this.members.reduce((n, m) => n + m.crashes, 0),
      partitions: this.partitions,
      membershipChanges: this.membershipChanges,
      transfers: this.transfers,
      snapshotsSent: this.snapshotsSent,
      opsOk: this.workload.stats.ok,
      opsUnknown: this.workload.stats.unknown,
      checks: this.checker.checks,
      linearizability,
      healLeaderTicks: this.settledAt < 0 ? -1 : this.settledAt - this.healedAt,
      crashPointCrashes: this.crashPointCrashes,
      ownTermCommitTicks: this.ownTermCommitAt < 0 ? -1 : this.ownTermCommitAt - this.healedAt,
      opShareMin: this.opShareMin,
    };
  }
}

export function runSeed(options: SimOptions): SimResult {
  return new Simulation(options).run();
}
