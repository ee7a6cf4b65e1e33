// `stream`: does a result stream (PULL n pulls n rows through the pipeline) or is it built whole
// first? Server RSS from /proc while (a) a 400-million-row result is opened, 10 rows taken and the
// result abandoned, and (b) millions of rows go to a client that reads slowly. The server runs
// with a bounded heap, so one that materialises results crashes instead of swapping the machine.
import neo4j from 'neo4j-driver';
import { performance } from 'node:perf_hooks';
import { below, crashReason, errorText, fmtMB, fmtMs, type Verdict } from './execution-report.js';
import { delay, note, ping, record, sampleResident, settled, startExecServer, until, type ExecutionContext } from './execution.js';
import type { ServerProcess } from './server-process.js';

export const BIG_RESULT_CYPHER = 'UNWIND range(1, 20000) AS a UNWIND range(1, 20000) AS b RETURN a, b';
const TAKE_ROWS = 10;
const RSS_GROWTH_LIMIT_BYTES = 100e6;
const FIRST_RECORD_LIMIT_MS = 50;

export async function runStreamPart(ctx: ExecutionContext): Promise<void> {
  await bigResultAbandoned(ctx);
  await slowClient(ctx);
}

async function bigResultAbandoned(ctx: ExecutionContext): Promise<void> {
  const srv = await startExecServer(ctx, 'stream-big', { nodeArgs: [`--max-old-space-size=${ctx.sizes.streamHeapMb}`] });
  try {
    const baseline = srv.server.residentBytes();
    const sampler = sampleResident(srv.server);
    const session = srv.driver.session({ fetchSize: TAKE_ROWS, defaultAccessMode: neo4j.session.READ });
    const startedMs = performance.now();
    const deadlineMs = startedMs + ctx.sizes.streamCaseMs;
    let firstRecordMs: number | undefined;
    let rows = 0;
    let problem: string | undefined;
    const iterator = session.run(BIG_RESULT_CYPHER)[Symbol.asyncIterator]();
    while (rows < TAKE_ROWS) {
      const step = await until(iterator.next(), deadlineMs);
      if (step.kind === 'pending') { problem = `timed out: ${rows} records after ${fmtMs(ctx.sizes.streamCaseMs)}`; break; }
      if (step.kind === 'failed') { problem = `failed after ${fmtMs(performance.now() - startedMs)}: ${errorText(step.error)}`; break; }
      if (step.value.done === true) { problem = `the result ended after ${rows} records`; break; }
      rows++;
      firstRecordMs ??= performance.now() - startedMs;
    }
    // Abandon the rest: end the iteration and close the session (the driver discards or resets).
    const closeStartedMs = performance.now();
    const closed = await until(settled(Promise.resolve(iterator.return?.()).then(() => session.close())), closeStartedMs + 10_000);
    const closeMs = performance.now() - closeStartedMs;
    await delay(500);
    if (problem !== undefined) await settleExit(srv.server);
    const afterBytes = srv.server.residentBytes();
    const peak = sampler.stop();
    const exit = srv.server.exitCode();
    const diedMs = sampler.exitedAtMs();
    if (exit !== undefined) problem = `${crashReason(srv.server.logTail(40), exit)}${diedMs === undefined ? '' : ` after ${fmtMs(diedMs - startedMs)}`}${problem === undefined ? '' : `; client saw: ${problem}`}`;
    const growth = peak === undefined || baseline === undefined ? undefined : peak - baseline;
    const outcome = problem === undefined ? '' : ` (${problem})`;
    const verdictIf = (verdict: Verdict): Verdict => (problem === undefined ? verdict : 'missed');
    record(ctx, {
      part: 'stream', check: `(a) first of ${TAKE_ROWS} records from a 400 M-row result, fetch size ${TAKE_ROWS}`, target: `< ${FIRST_RECORD_LIMIT_MS} ms`,
      measured: firstRecordMs === undefined ? `no record${outcome}` : `${fmtMs(firstRecordMs)}; ${rows} records taken${outcome}`,
      verdict: firstRecordMs === undefined ? 'missed' : verdictIf(below(firstRecordMs, FIRST_RECORD_LIMIT_MS)),
      ...(firstRecordMs === undefined ? {} : { value: firstRecordMs }),
    });
    record(ctx, {
      part: 'stream', check: '(a) server RSS growth: 400 M-row result opened, 10 rows taken, abandoned', target: '< 100 MB',
      measured: `${fmtMB(growth)} (baseline ${fmtMB(baseline)}, peak ${fmtMB(peak)})${outcome}`,
      verdict: verdictIf(below(growth, RSS_GROWTH_LIMIT_BYTES)),
      ...(growth === undefined ? {} : { value: growth / 1e6 }),
    });
    if (exit === undefined) {
      const pingMs = await ping(srv.driver, 5000);
      note(ctx, 'stream', `(a) abandoning took ${fmtMs(closeMs)}${closed.kind === 'pending' ? ' (close still pending after 10 s)' : ''}; RSS 0.5 s later ${fmtMB(afterBytes)}; `
        + `RETURN 1 afterwards ${pingMs === undefined ? 'got no answer within 5 s' : `took ${fmtMs(pingMs)}`}`);
    }
  } finally {
    await srv.stop();
  }
}

/**
 * A server dying of heap exhaustion closes its sockets seconds before its exit is seen (V8 prints
 * its report and aborts): after a failure, wait up to 5 s for the exit so the reason can be named.
 */
async function settleExit(server: ServerProcess): Promise<void> {
  for (let i = 0; i < 100 && server.exitCode() === undefined; i++) await delay(50);
}

async function slowClient(ctx: ExecutionContext): Promise<void> {
  const total = ctx.sizes.streamSlowRows;
  const srv = await startExecServer(ctx, 'stream-slow', { nodeArgs: [`--max-old-space-size=${ctx.sizes.streamHeapMb}`] });
  try {
    const baseline = srv.server.residentBytes();
    const sampler = sampleResident(srv.server);
    const session = srv.driver.session({ fetchSize: 1000, defaultAccessMode: neo4j.session.READ });
    const startedMs = performance.now();
    let rows = 0;
    let abort = false;
    // The slow reader: a short sleep after every 1 000 rows (one fetch batch).
    const consume = settled((async () => {
      for await (const _ of session.run(`UNWIND range(1, ${total}) AS i RETURN i`)) {
        rows++;
        if (rows % 1000 === 0) await delay(1);
        if (abort) break;
      }
    })());
    const outcome = await until(consume, startedMs + ctx.sizes.streamCaseMs);
    abort = true;
    const elapsedMs = performance.now() - startedMs;
    await until(settled(session.close()), performance.now() + 10_000);
    if (outcome.kind === 'failed') await settleExit(srv.server);
    const peak = sampler.stop();
    const exit = srv.server.exitCode();
    let problem: string | undefined;
    if (outcome.kind === 'pending') problem = `timed out after ${fmtMs(elapsedMs)} with ${rows} rows read`;
    if (outcome.kind === 'failed') problem = `failed after ${fmtMs(elapsedMs)} with ${rows} rows read: ${errorText(outcome.error)}`;
    if (outcome.kind === 'done' && rows !== total) problem = `${rows} rows instead of ${total}`;
    const diedMs = sampler.exitedAtMs();
    if (exit !== undefined) problem = `${crashReason(srv.server.logTail(40), exit)}${diedMs === undefined ? '' : ` after ${fmtMs(diedMs - startedMs)}`}; ${problem ?? ''}`;
    const growth = peak === undefined || baseline === undefined ? undefined : peak - baseline;
    record(ctx, {
      part: 'stream', check: `(b) server RSS growth: ${(total / 1e6).toFixed(total < 1e6 ? 1 : 0)} M rows to a slow client, fetch size 1000`, target: '< 100 MB',
      measured: `${fmtMB(growth)} (baseline ${fmtMB(baseline)}, peak ${fmtMB(peak)})${problem === undefined ? `; ${total} rows in ${fmtMs(elapsedMs)}` : ` (${problem})`}`,
      verdict: problem === undefined ? below(growth, RSS_GROWTH_LIMIT_BYTES) : 'missed',
      ...(growth === undefined ? {} : { value: growth / 1e6 }),
    });
    if (problem === undefined) note(ctx, 'stream', `(b) ${(rows / (elapsedMs / 1000)).toFixed(0)} rows/s to the slow client (1 ms pause per 1 000 rows)`);
  } finally {
    await srv.stop();
  }
}
