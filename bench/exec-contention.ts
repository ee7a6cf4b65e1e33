// `contention`: conflicting writers should wait for locks (FIFO), a lock cycle should fail one
// transaction with DeadlockDetected at once, and db.transaction.timeout should end a transaction
// whether it is running, idle or waiting on a lock. Every case is bounded in time; a server that
// throws on conflict instead of waiting shows up as failures, reported with their codes.
import type { Driver, Session, Transaction } from 'neo4j-driver';
import { performance } from 'node:perf_hooks';
import {
  below, describeCodes, errorCode, fmtMs, ignoredSetting, within,
} from './execution-report.js';
import { delay, note, ping, record, settled, startExecServer, until, type ExecServer, type ExecutionContext, type Outcome } from './execution.js';

const CLIENTS = 16;
const DEADLOCK_CODE = 'Neo.TransientError.Transaction.DeadlockDetected';
const TIMED_OUT_CODE = 'Neo.ClientError.Transaction.TransactionTimedOut';
/** ~5 s of rows streamed through count(*) with no big list in memory: long enough to outlive a 1 s timeout. */
export const LONG_CYPHER = 'UNWIND range(1, 5000) AS a UNWIND range(1, 1000) AS b RETURN count(*) AS n';

export async function runContentionPart(ctx: ExecutionContext): Promise<void> {
  const srv = await startExecServer(ctx, 'contention');
  try {
    await concurrentMerge(ctx, srv.driver);
    await counterIncrements(ctx, srv.driver);
    await deadlock(ctx, srv.driver);
  } finally {
    await srv.stop();
  }
  await transactionTimeouts(ctx);
}

async function runOnce(driver: Driver, cypher: string, limitMs = 30_000): Promise<Outcome<unknown>> {
  const session = driver.session();
  try {
    return await until(session.run(cypher), performance.now() + limitMs);
  } finally {
    await until(settled(session.close()), performance.now() + 5000);
  }
}

async function countOf(driver: Driver, cypher: string): Promise<number | undefined> {
  const session = driver.session();
  try {
    const outcome = await until(session.run(cypher), performance.now() + 30_000);
    return outcome.kind === 'done' ? Number(outcome.value.records[0]?.get(0)) : undefined;
  } finally {
    await until(settled(session.close()), performance.now() + 5000);
  }
}

async function concurrentMerge(ctx: ExecutionContext, driver: Driver): Promise<void> {
  let constraint = await runOnce(driver, 'CREATE CONSTRAINT bench_user_id IF NOT EXISTS FOR (u:User) REQUIRE u.id IS UNIQUE');
  if (constraint.kind !== 'done') constraint = await runOnce(driver, 'CREATE CONSTRAINT ON (u:User) ASSERT u.id IS UNIQUE');
  if (constraint.kind !== 'done') note(ctx, 'contention', `could not create the uniqueness constraint: ${constraint.kind === 'failed' ? errorCode(constraint.error) : 'timed out'}`);
  const sessions = Array.from({ length: CLIENTS }, () => driver.session());
  const codes = new Map<string, number>();
  let failures = 0;
  let wrongRounds = 0;
  let rounds = 0;
  const counts = new Set<number>();
  const startedMs = performance.now();
  try {
    for (; rounds < ctx.sizes.mergeRounds && performance.now() - startedMs < 120_000; rounds++) {
      await runOnce(driver, 'MATCH (u:User) DETACH DELETE u');
      const outcomes = await Promise.all(sessions.map((s) => until(s.run('MERGE (u:User {id: 1}) RETURN u.id'), performance.now() + 30_000)));
      for (const outcome of outcomes) {
        if (outcome.kind === 'done') continue;
        failures++;
        const code = outcome.kind === 'failed' ? errorCode(outcome.error) : 'no answer within 30 s';
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
      const nodes = await countOf(driver, 'MATCH (u:User {id: 1}) RETURN count(u)');
      if (nodes !== undefined) counts.add(nodes);
      if (nodes !== 1) wrongRounds++;
    }
  } finally {
    for (const s of sessions) await until(settled(s.close()), performance.now() + 5000);
  }
  record(ctx, {
    part: 'contention', check: `${CLIENTS} clients × MERGE (u:User {id: 1}) under a uniqueness constraint, ${rounds} rounds`, target: '0 failures, 1 node every round',
    measured: `${failures} failures of ${rounds * CLIENTS}${failures > 0 ? ` (${describeCodes(codes)})` : ''}; ${wrongRounds} rounds without exactly 1 node (node counts seen: ${[...counts].sort((a, b) => a - b).join(', ') || '-'}); ${fmtMs(performance.now() - startedMs)}`,
    verdict: rounds === 0 ? 'not measured' : failures === 0 && wrongRounds === 0 && rounds === ctx.sizes.mergeRounds ? 'met' : 'missed',
    value: failures,
  });
}

async function counterIncrements(ctx: ExecutionContext, driver: Driver): Promise<void> {
  await runOnce(driver, 'MATCH (c:Counter) DETACH DELETE c');
  await runOnce(driver, 'CREATE (:Counter {n: 0})');
  const perClient = ctx.sizes.counterIncrements;
  const expected = perClient * CLIENTS;
  const sessions = Array.from({ length: CLIENTS }, () => driver.session());
  const codes = new Map<string, number>();
  let failures = 0;
  let committed = 0;
  const startedMs = performance.now();
  const deadlineMs = startedMs + 180_000;
  try {
    const work = settled(Promise.all(sessions.map(async (session) => {
      for (let i = 0; i < perClient && performance.now() < deadlineMs; i++) {
        try {
          await session.run('MATCH (c:Counter) SET c.n = c.n + 1');
          committed++;
        } catch (error) {
          failures++;
          const code = errorCode(error);
          codes.set(code, (codes.get(code) ?? 0) + 1);
        }
      }
    })));
    await until(work, deadlineMs + 30_000);
  } finally {
    for (const s of sessions) await until(settled(s.close()), performance.now() + 5000);
  }
  const elapsedMs = performance.now() - startedMs;
  const n = await countOf(driver, 'MATCH (c:Counter) RETURN c.n');
  const attempted = committed + failures;
  record(ctx, {
    part: 'contention', check: `${CLIENTS} clients × ${perClient} auto-commit MATCH (c:Counter) SET c.n = c.n + 1`, target: `0 failures, n = ${expected}`,
    measured: `${failures} failures${failures > 0 ? ` (${describeCodes(codes)})` : ''}; n = ${n ?? '-'}${attempted < expected ? `; only ${attempted} attempted before the deadline` : ''}; ${(committed / (elapsedMs / 1000)).toFixed(0)} commits/s`,
    verdict: n === undefined ? 'not measured' : failures === 0 && n === expected ? 'met' : 'missed',
    ...(n === undefined ? {} : { value: n }),
  });
}

/** A transaction on its own session; rolled back and closed (bounded) by `end`. */
interface OpenTx { readonly session: Session; readonly tx: Transaction; end(): Promise<void> }

function openTx(driver: Driver): OpenTx {
  const session = driver.session();
  const tx = session.beginTransaction();
  return {
    session, tx,
    async end(): Promise<void> {
      if (tx.isOpen()) await until(settled(tx.rollback()), performance.now() + 5000);
      await until(settled(session.close()), performance.now() + 5000);
    },
  };
}

async function deadlock(ctx: ExecutionContext, driver: Driver): Promise<void> {
  await runOnce(driver, 'MATCH (n:Lock) DETACH DELETE n');
  await runOnce(driver, "CREATE (:Lock {name: 'A', v: 0}), (:Lock {name: 'B', v: 0})");
  const one = openTx(driver);
  const two = openTx(driver);
  const lock = (name: string, v: number): string => `MATCH (n:Lock {name: '${name}'}) SET n.v = ${v} RETURN n.v`;
  const check = `two transactions lock A then B / B then A`;
  try {
    const first = await until(one.tx.run(lock('A', 1)), performance.now() + 10_000);
    const second = await until(two.tx.run(lock('B', 2)), performance.now() + 10_000);
    if (first.kind !== 'done' || second.kind !== 'done') {
      record(ctx, { part: 'contention', check, target: `${DEADLOCK_CODE} < 5 ms after the cycle forms`, measured: 'could not take the first locks', verdict: 'not measured' });
      return;
    }
    // tx one now waits for B (held by two) ...
    const oneWaits = settled(one.tx.run(lock('B', 1)).then(() => performance.now()));
    const early = await until(oneWaits, performance.now() + 100);
    if (early.kind !== 'pending') {
      record(ctx, {
        part: 'contention', check, target: `${DEADLOCK_CODE} < 5 ms after the cycle forms`,
        measured: early.kind === 'failed'
          ? `no wait: the first transaction's lock on B failed at once with ${errorCode(early.error)}, so no cycle formed`
          : 'no wait: the first transaction took B while the second held it',
        verdict: 'missed',
      });
      return;
    }
    // ... and the cycle forms when two asks for A.
    const formedMs = performance.now();
    const twoWaits = settled(two.tx.run(lock('A', 2)).then(() => performance.now()));
    const failedAt = (p: Promise<number>): Promise<{ at: number; code: string } | undefined> =>
      p.then(() => undefined, (error: unknown) => ({ at: performance.now(), code: errorCode(error) }));
    const firstFailure = await until(Promise.race([
      failedAt(oneWaits).then((f) => f ?? new Promise<never>(() => undefined)),
      failedAt(twoWaits).then((f) => f ?? new Promise<never>(() => undefined)),
    ]), formedMs + 10_000);
    if (firstFailure.kind !== 'done') {
      record(ctx, { part: 'contention', check, target: `${DEADLOCK_CODE} < 5 ms after the cycle forms`, measured: 'neither transaction failed within 10 s (undetected deadlock)', verdict: 'missed' });
      return;
    }
    const detectedMs = firstFailure.value.at - formedMs;
    // The other transaction should now get its lock and commit.
    const survivor = (await until(oneWaits, performance.now() + 1)).kind === 'failed' ? two : one;
    const survivorStatement = await until(survivor === one ? oneWaits : twoWaits, performance.now() + 5000);
    const committed = survivorStatement.kind === 'done' ? await until(survivor.tx.commit(), performance.now() + 5000) : survivorStatement;
    const isDeadlock = firstFailure.value.code === DEADLOCK_CODE;
    record(ctx, {
      part: 'contention', check, target: `${DEADLOCK_CODE} < 5 ms after the cycle forms; the other commits`,
      measured: `${firstFailure.value.code} after ${fmtMs(detectedMs)}; the other transaction ${committed.kind === 'done' ? 'committed' : committed.kind === 'failed' ? `failed: ${errorCode(committed.error)}` : 'did not finish within 5 s'}`,
      verdict: isDeadlock && committed.kind === 'done' ? below(detectedMs, 5) : 'missed',
      value: detectedMs,
    });
  } finally {
    await one.end();
    await two.end();
  }
}

async function transactionTimeouts(ctx: ExecutionContext): Promise<void> {
  let srv = await startExecServer(ctx, 'timeouts', { confLines: ['db.transaction.timeout=1s'] });
  try {
    const log = srv.server.logTail(200);
    if (ignoredSetting(log, 'db.transaction.timeout')) note(ctx, 'contention', 'the server logged that it ignores db.transaction.timeout');
    for (const [label, measure] of [['running a long query', timeoutRunning], ['idle between statements', timeoutIdle], ['waiting on a lock held by another transaction', timeoutWaiting]] as const) {
      // A server still busy with the previous case is replaced, so each case starts clean.
      if (await ping(srv.driver, 5000) === undefined) {
        note(ctx, 'contention', `the server did not answer RETURN 1 within 5 s before "${label}"; restarted it`);
        await srv.stop();
        srv = await startExecServer(ctx, `timeouts-${label.split(' ')[0] ?? 'next'}`, { confLines: ['db.transaction.timeout=1s'] });
      }
      const result = await measure(srv);
      record(ctx, {
        part: 'contention', check: `db.transaction.timeout=1s: explicit transaction ${label}`, target: `${TIMED_OUT_CODE} at 1.0–1.1 s`,
        measured: result.text,
        verdict: result.code === TIMED_OUT_CODE ? within(result.elapsedMs, 1000, 1100) : 'missed',
        ...(result.elapsedMs === undefined ? {} : { value: result.elapsedMs }),
      });
    }
  } finally {
    await srv.stop();
  }
}

interface TimeoutResult { readonly elapsedMs: number | undefined; readonly code: string | undefined; readonly text: string }

/** Begins a transaction and makes sure the server has it (a first statement), returning when it began. */
async function begun(driver: Driver): Promise<{ open: OpenTx; beganMs: number } | undefined> {
  const beganMs = performance.now();
  const open = openTx(driver);
  const first = await until(open.tx.run('RETURN 1 AS one'), beganMs + 10_000);
  if (first.kind !== 'done') { await open.end(); return undefined; }
  return { open, beganMs };
}

async function timeoutRunning(srv: ExecServer): Promise<TimeoutResult> {
  const w = await begun(srv.driver);
  if (w === undefined) return { elapsedMs: undefined, code: undefined, text: 'could not begin a transaction' };
  try {
    const outcome = await until(w.open.tx.run(LONG_CYPHER), w.beganMs + 30_000);
    const elapsedMs = performance.now() - w.beganMs;
    if (outcome.kind === 'failed') return { elapsedMs, code: errorCode(outcome.error), text: `${errorCode(outcome.error)} after ${fmtMs(elapsedMs)}` };
    if (outcome.kind === 'pending') return { elapsedMs: undefined, code: undefined, text: 'still running 30 s after BEGIN' };
    return { elapsedMs: undefined, code: undefined, text: `not timed out: the ~5 s query finished after ${fmtMs(elapsedMs)}` };
  } finally {
    await w.open.end();
  }
}

async function timeoutIdle(srv: ExecServer): Promise<TimeoutResult> {
  await runOnce(srv.driver, 'MATCH (n:Idle) DETACH DELETE n');
  await runOnce(srv.driver, 'CREATE (:Idle {v: 0})');
  const w = await begun(srv.driver);
  if (w === undefined) return { elapsedMs: undefined, code: undefined, text: 'could not begin a transaction' };
  const other = srv.driver.session();
  try {
    const holding = await until(w.open.tx.run('MATCH (n:Idle) SET n.v = 1'), w.beganMs + 10_000);
    if (holding.kind !== 'done') return { elapsedMs: undefined, code: undefined, text: 'could not lock the node' };
    // The idle transaction is ended when another writer can take its lock: poll with auto-commit
    // writes (a server with lock waits answers the first when the lock is freed).
    const limitMs = w.beganMs + 5000;
    let freedMs: number | undefined;
    let attempts = 0;
    let lastCode = '';
    while (performance.now() < limitMs && attempts < 1000) {
      attempts++;
      const write = await until(settled(other.run('MATCH (n:Idle) SET n.v = 2')), limitMs);
      if (write.kind === 'done') { freedMs = performance.now() - w.beganMs; break; }
      if (write.kind === 'pending') break;
      lastCode = errorCode(write.error);
      await delay(20);
    }
    const next = await until(w.open.tx.run('RETURN 1 AS one'), performance.now() + 5000);
    const code = next.kind === 'failed' ? errorCode(next.error) : undefined;
    const nextText = next.kind === 'done' ? 'its next statement still ran' : next.kind === 'failed' ? `its next statement failed with ${code}` : 'its next statement got no answer';
    if (freedMs === undefined) {
      return { elapsedMs: undefined, code: undefined, text: `not ended: another writer could not take its lock for 5 s (${attempts} attempts${lastCode === '' ? '' : `, last ${lastCode}`}); ${nextText}` };
    }
    return { elapsedMs: freedMs, code, text: `lock freed ${fmtMs(freedMs)} after BEGIN; ${nextText}` };
  } finally {
    await w.open.end();
    await until(settled(other.close()), performance.now() + 5000);
  }
}

async function timeoutWaiting(srv: ExecServer): Promise<TimeoutResult> {
  await runOnce(srv.driver, 'MATCH (n:Held) DETACH DELETE n');
  await runOnce(srv.driver, 'CREATE (:Held {v: 0})');
  const w = await begun(srv.driver);
  if (w === undefined) return { elapsedMs: undefined, code: undefined, text: 'could not begin a transaction' };
  // The holder begins 300 ms later, so its own timeout comes 300 ms after the waiter's: a waiter
  // that fails at ~1.3 s was freed by the holder's end, not by its own deadline.
  await delay(300);
  const h = await begun(srv.driver);
  try {
    if (h === undefined) return { elapsedMs: undefined, code: undefined, text: 'could not begin the holder' };
    const held = await until(h.open.tx.run('MATCH (n:Held) SET n.v = 1'), performance.now() + 10_000);
    if (held.kind !== 'done') return { elapsedMs: undefined, code: undefined, text: 'the holder could not lock the node' };
    const askedMs = performance.now();
    const outcome = await until(w.open.tx.run('MATCH (n:Held) SET n.v = 2'), w.beganMs + 10_000);
    const elapsedMs = performance.now() - w.beganMs;
    if (outcome.kind === 'failed') {
      const code = errorCode(outcome.error);
      const waitedMs = performance.now() - askedMs;
      const immediate = waitedMs < 100 ? ` (no wait: it failed ${fmtMs(waitedMs)} after asking for the lock)` : '';
      return { elapsedMs, code, text: `${code} after ${fmtMs(elapsedMs)}${immediate}` };
    }
    if (outcome.kind === 'pending') return { elapsedMs: undefined, code: undefined, text: 'still waiting 10 s after BEGIN' };
    return { elapsedMs: undefined, code: undefined, text: `not timed out: it got the lock after ${fmtMs(elapsedMs)}` };
  } finally {
    await h?.open.end();
    await w.open.end();
  }
}
