// The whole-member simulator: three core members, each the real CoreMember (graph engine on an
// in-memory store behind the replication driver and a WAL on a simulated disk), driven tick by
// tick from one seed. Clients run graph transactions through GraphTx:
//   - bank transfers between accounts (lock both, read, hold for a while, write, commit): the
//     total must never change, whatever faults hit;
//   - unique-id inserts: every acknowledged one must be found on every member at the end;
//   - audits: a read-only transaction on any member must always see the full total.
// Faults: message loss and delay, isolation of a member, crashes (losing unsynced bytes and the
// whole store) and restarts, leadership transfers back and forth. Then the network heals and
// every member must converge to identical stores. Half the seeds start from a seeded store (the
// cluster formed from m1's existing data, which reaches the others as Raft's first snapshot).
//
// Commits are promises (the engine awaits the Raft log), so each tick ends by letting every
// pending microtask run; nothing else is asynchronous, so a seed replays exactly.

import { SeededRandom } from '../../../src/env/random.js';
import type { Clock } from '../../../src/env/clock.js';
import type { GraphTx, NodeId } from '../../../src/graph/api.js';
import { GraphEngine } from '../../../src/graph/engine.js';
import { MemoryStore } from '../../../src/graph/memory-store.js';
import { encodeSnapshot, takeSnapshot } from '../../../src/graph/snapshot.js';
import { LockWaitRequired } from '../../../src/graph/locks.js';
import type { Message } from '../../../src/raft/messages.js';
import { SimNetwork } from '../sim-network.js';
import { SimCore, SIM_TICK_MS, type GraphBug } from './sim-core.js';

export interface GraphSimOptions {
  readonly seed: number;
  readonly faultTicks?: number;
  readonly healTicks?: number;
  /** a broken variant to run instead of the real thing (sim-core.ts GraphBug) */
  readonly bug?: GraphBug;
}

export interface GraphSimResult {
  readonly seed: number;
  readonly failures: string[];
  readonly stats: { transfers: number; inserts: number; audits: number; unknown: number; refused: number; crashes: number; transfersAway: number };
}

const ACCOUNTS = 4;
const OPENING_BALANCE = 100n;
const CLIENTS = 3;

const flushMicrotasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

type ClientState =
  | { kind: 'idle' }
  | { kind: 'holding'; core: SimCore; tx: GraphTx; a: NodeId; b: NodeId; balanceA: bigint; balanceB: bigint; until: number }
  | { kind: 'committing'; core: SimCore; deadline: number };

export async function runGraphSeed(options: GraphSimOptions): Promise<GraphSimResult> {
  const random = new SeededRandom(options.seed);
  const faultTicks = options.faultTicks ?? 1200;
  const healTicks = options.healTicks ?? 600;
  let now = 0;
  const clock: Clock = { monotonicMs: () => now * SIM_TICK_MS, wallMs: () => now * SIM_TICK_MS };
  const dropRate = random.float() * 0.05;
  const network = new SimNetwork(random.fork(), { dropRate, duplicateRate: random.float() * 0.02, delayTicksMin: 1, delayTicksMax: 1 + random.int(3) });
  const ids = ['m1', 'm2', 'm3'];
  // Half the seeds (drawn apart, so the seeds' other choices stay what they were) start from a
  // seeded store: m1 holds the accounts before the cluster exists, the others start empty.
  const seeded = options.bug === 'seed-floor' || new SeededRandom(options.seed ^ 0x5eed).chance(0.5);
  let accounts: NodeId[] | undefined;
  let seedStore: MemoryStore | undefined;
  if (seeded) {
    seedStore = new MemoryStore();
    const engine = new GraphEngine({ name: 'neo4j', store: seedStore });
    const tx = engine.begin();
    const created: NodeId[] = [];
    for (let i = 0; i < ACCOUNTS; i++) created.push(tx.createNode(['Account'], new Map([['balance', OPENING_BALANCE]])));
    await tx.commit();
    accounts = created;
  }
  const binding = {
    clusterId: `sim-${options.seed}`, initialVoters: ids,
    ...(seedStore === undefined ? {} : { seed: { memberId: 'm1', txId: seedStore.lastAppliedTxId() } }),
  };
  const world = {
    now: () => now, clock, bug: options.bug,
    compactAfterEntries: 20 + random.int(200),
    // drawn apart, so the seeds' other choices stay what they were
    asyncImages: new SeededRandom(options.seed ^ 0x1a9e).chance(0.5),
    // the server's default window (1) or a pipelined one
    inflightAppends: new SeededRandom(options.seed ^ 0x2b7f).chance(0.5) ? 1 : 4,
    send: (message: Message) => network.send(message, now),
  };
  const cores = ids.map((id) => new SimCore(id, binding, random.fork(), world, id === 'm1' ? seedStore : undefined));
  for (const core of cores) core.start();
  const byId = new Map(cores.map((core) => [core.id, core]));
  const failures: string[] = [];
  const fail = (message: string): void => {
    if (failures.length < 20) failures.push(`tick ${now}: ${message}`);
  };
  const stats = { transfers: 0, inserts: 0, audits: 0, unknown: 0, refused: 0, crashes: 0, transfersAway: 0 };
  const acknowledgedUids: number[] = [];
  let uidNext = 0;
  /** a setup commit in flight, abandoned at this tick if its member crashed under it */
  let settingUpUntil = -1;
  const clients: ClientState[] = Array.from({ length: CLIENTS }, () => ({ kind: 'idle' }));
  const cachedLeader: (SimCore | undefined)[] = Array.from({ length: CLIENTS }, () => undefined);
  const isolated = new Map<string, number>();
  let transferBack: { to: SimCore; at: number } | undefined;

  const leaderCore = (): SimCore | undefined => cores.find((core) => core.member?.holdsLease());
  const pickCore = (client: number): SimCore => {
    const cached = cachedLeader[client];
    if (cached !== undefined && cached.up) return cached;
    const up = cores.filter((core) => core.up);
    return up.length > 0 ? random.pick(up) : random.pick(cores);
  };

  const totalOn = (tx: GraphTx): bigint => {
    let total = 0n;
    for (const id of accounts!) total += tx.node(id)?.properties.get('balance') as bigint;
    return total;
  };

  const audit = (core: SimCore): void => {
    if (!core.up || accounts === undefined) return;
    const tx = core.member!.engine.begin({ readOnly: true });
    try {
      if (accounts.some((id) => tx.node(id) === undefined)) return; // not applied here yet
      const damaged = accounts.find((id) => typeof tx.node(id)!.properties.get('balance') !== 'bigint');
      if (damaged !== undefined) return fail(`audit on ${core.id} found account ${damaged} without a balance`);
      const total = totalOn(tx);
      stats.audits++;
      if (total !== OPENING_BALANCE * BigInt(ACCOUNTS)) fail(`audit on ${core.id} saw a total of ${total}, expected ${OPENING_BALANCE * BigInt(ACCOUNTS)}`);
    } finally {
      tx.rollback();
    }
  };

  const setup = (): void => {
    const leader = leaderCore();
    if (leader === undefined || now < settingUpUntil) return;
    settingUpUntil = now + 200;
    const tx = leader.member!.engine.begin();
    try {
      const created: NodeId[] = [];
      for (let i = 0; i < ACCOUNTS; i++) created.push(tx.createNode(['Account'], new Map([['balance', OPENING_BALANCE]])));
      tx.commit().then(() => {
        accounts = created;
      }, () => {
        settingUpUntil = -1;
      });
    } catch {
      tx.rollback();
      settingUpUntil = -1;
    }
  };

  const stepClient = (client: number): void => {
    const state = clients[client]!;
    if (state.kind === 'committing') {
      if (now > state.deadline || !state.core.up) {
        // the member crashed or the outcome never came: unknown, neither acknowledged nor failed
        stats.unknown++;
        clients[client] = { kind: 'idle' };
      }
      return;
    }
    if (state.kind === 'holding') {
      if (!state.core.up) {
        clients[client] = { kind: 'idle' };
        return;
      }
      if (now < state.until) return;
      const amount = BigInt(1 + random.int(10));
      const { tx, core } = state;
      try {
        tx.setNodeProperty(state.a, 'balance', state.balanceA - amount);
        tx.setNodeProperty(state.b, 'balance', state.balanceB + amount);
      } catch {
        tx.rollback();
        stats.refused++;
        clients[client] = { kind: 'idle' };
        return;
      }
      clients[client] = { kind: 'committing', core, deadline: now + 200 };
      tx.commit().then(() => {
        stats.transfers++;
      }, () => {
        stats.refused++;
        cachedLeader[client] = undefined;
      }).finally(() => {
        if (clients[client]!.kind === 'committing') clients[client] = { kind: 'idle' };
      });
      return;
    }
    if (accounts === undefined || !random.chance(0.3)) return;
    const core = pickCore(client);
    const roll = random.float();
    if (roll < 0.2) return audit(random.pick(cores));
    if (!core.up) return;
    const engine = core.member!.engine;
    if (roll < 0.45) {
      const uid = uidNext++;
      const tx = engine.begin();
      try {
        tx.createNode(['U'], new Map([['uid', BigInt(uid)]]));
      } catch {
        tx.rollback();
        stats.refused++;
        cachedLeader[client] = undefined;
        return;
      }
      clients[client] = { kind: 'committing', core, deadline: now + 200 };
      tx.commit().then(() => {
        acknowledgedUids.push(uid);
        stats.inserts++;
        cachedLeader[client] = core;
      }, () => {
        stats.refused++;
        cachedLeader[client] = undefined;
      }).finally(() => {
        if (clients[client]!.kind === 'committing') clients[client] = { kind: 'idle' };
      });
      return;
    }
    // a transfer: lock both accounts (in id order), read them, hold the transaction a while
    const first = random.int(ACCOUNTS);
    let second = random.int(ACCOUNTS - 1);
    if (second >= first) second++;
    const [a, b] = [accounts[first]!, accounts[second]!];
    const tx = engine.begin();
    try {
      for (const id of a < b ? [a, b] : [b, a]) tx.setNodeProperty(id, 'lockedAt', BigInt(now));
      const balanceA = tx.node(a)?.properties.get('balance') as bigint | undefined;
      const balanceB = tx.node(b)?.properties.get('balance') as bigint | undefined;
      if (balanceA === undefined || balanceB === undefined) throw new Error('not applied here');
      clients[client] = { kind: 'holding', core, tx, a, b, balanceA, balanceB, until: now + random.int(60) };
      cachedLeader[client] = core;
    } catch (error) {
      if (error instanceof LockWaitRequired) error.cancel();
      tx.rollback();
      stats.refused++;
      if (!(error instanceof LockWaitRequired)) cachedLeader[client] = undefined;
    }
  };

  const nemesis = (): void => {
    for (const core of cores) {
      if (!core.up && now >= core.downUntil) core.start();
    }
    for (const [id, until] of [...isolated]) {
      if (now < until) continue;
      isolated.delete(id);
      network.heal();
      for (const [other] of isolated) for (const peer of ids) if (peer !== other) {
        network.block(other, peer);
        network.block(peer, other);
      }
    }
    if (random.chance(0.004)) {
      const victim = random.pick(cores);
      if (victim.up) {
        victim.crash();
        stats.crashes++;
        victim.downUntil = now + 5 + random.int(60);
      }
    }
    if (isolated.size === 0 && random.chance(0.004)) {
      const victim = random.chance(0.5) ? (leaderCore() ?? random.pick(cores)) : random.pick(cores);
      isolated.set(victim.id, now + 10 + random.int(80));
      for (const peer of ids) if (peer !== victim.id) {
        network.block(victim.id, peer);
        network.block(peer, victim.id);
      }
    }
    if (random.chance(0.02)) {
      // leadership away and, often, back again: a transaction begun under the first lease must not apply under the third
      const leader = leaderCore();
      const others = cores.filter((core) => core !== leader && core.up);
      if (leader !== undefined && others.length > 0) {
        try {
          leader.member!.transferLeadership(random.pick(others).id).catch(() => {}); // its outcome is not what this checks
          stats.transfersAway++;
          if (random.chance(0.6)) transferBack = { to: leader, at: now + 5 + random.int(20) };
        } catch {
          // refused (a transfer under way): fine
        }
      }
    }
    if (transferBack !== undefined && now >= transferBack.at) {
      const { to } = transferBack;
      transferBack = undefined;
      const leader = leaderCore();
      if (leader !== undefined && leader !== to && to.up) {
        try {
          leader.member!.transferLeadership(to.id).catch(() => {});
        } catch {
          // refused: fine
        }
      }
    }
  };

  const deliverAndRun = (): void => {
    for (const message of network.deliver(now)) {
      const target = byId.get(message.to);
      if (target?.up) target.member!.onRaftMessage(message);
    }
    if (now % 2 === 0) {
      for (const from of cores) {
        if (from.info === undefined || !from.up) continue;
        for (const to of cores) {
          if (to === from || !to.up || isolated.has(from.id) || isolated.has(to.id)) continue;
          to.member!.onMemberInfo(from.info);
        }
      }
    }
    for (const core of cores) if (core.up) core.fireTimers();
    for (const core of cores) core.runDeferred();
  };

  const step = async (faults: boolean): Promise<void> => {
    now++;
    if (faults) nemesis();
    deliverAndRun();
    if (accounts === undefined) setup();
    for (let client = 0; client < CLIENTS; client++) stepClient(client);
    for (const core of cores) core.runDeferred();
    await flushMicrotasks();
    for (const core of cores) core.runDeferred();
    await flushMicrotasks();
  };

  try {
    for (let i = 0; i < faultTicks; i++) await step(true);
    // heal: everyone up, the network whole, no more faults
    network.heal();
    network.faultsEnabled = false;
    isolated.clear();
    for (const core of cores) if (!core.up) core.start();
    for (let i = 0; i < healTicks; i++) await step(false);
    // let outstanding transactions finish or be abandoned without starting new ones
    for (let i = 0; i < 40; i++) {
      now++;
      deliverAndRun();
      for (const [client, state] of clients.entries()) if (state.kind === 'holding') {
        state.tx.rollback();
        clients[client] = { kind: 'idle' };
      }
      await flushMicrotasks();
    }
  } catch (error) {
    fail(`a member threw: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  }

  // liveness and convergence
  const leader = leaderCore();
  if (leader === undefined) fail('no member holds the lease after healing');
  if (accounts === undefined) fail('the accounts were never created');
  const applied = cores.map((core) => core.member?.status().appliedIndex ?? -1);
  if (new Set(applied).size !== 1) fail(`members did not converge: applied indexes ${applied.join(', ')}`);
  const images = cores.map((core) => (core.store === undefined ? '' : Buffer.from(encodeSnapshot(takeSnapshot(core.store))).toString('base64')));
  if (new Set(images).size !== 1) fail(`stores differ at the same applied position (${applied.join(', ')})`);
  for (const core of cores) {
    if (!core.up || accounts === undefined) continue;
    audit(core);
    const tx = core.member!.engine.begin({ readOnly: true });
    const present = new Set([...tx.nodesWithLabel('U')].map((id) => Number(tx.node(id)!.properties.get('uid'))));
    tx.rollback();
    const lost = acknowledgedUids.filter((uid) => !present.has(uid));
    if (lost.length > 0) fail(`${core.id} lost acknowledged inserts ${lost.slice(0, 5).join(', ')}${lost.length > 5 ? ' …' : ''}`);
  }
  if (stats.inserts + stats.transfers === 0) fail('no transaction was ever acknowledged');
  return { seed: options.seed, failures, stats };
}
