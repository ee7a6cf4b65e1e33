// `batches`: CALL { … } IN TRANSACTIONS OF n ROWS must commit each batch on its own. A 1-million-row
// import through the driver (auto-commit), `kill -9` of the server midway, a restart on the same
// data directory, and a count: whole batches only (a multiple of 10 000), and more than none.
import neo4j from 'neo4j-driver';
import { performance } from 'node:perf_hooks';
import { errorCode, fmtMs, wholeBatches } from './execution-report.js';
import { delay, note, record, settled, startExecServer, until, type ExecutionContext } from './execution.js';

export const BATCH_ROWS = 10_000;
export const BATCH_CYPHER = `UNWIND range(1, 1000000) AS i CALL { WITH i CREATE (:B {i: i}) } IN TRANSACTIONS OF ${BATCH_ROWS} ROWS`;

export async function runBatchesPart(ctx: ExecutionContext): Promise<void> {
  const first = await startExecServer(ctx, 'batches');
  const dataDir = first.workDir;
  let finishedMs: number | undefined;
  let failure: string | undefined;
  let killedAtMs: number | undefined;
  try {
    const session = first.driver.session({ defaultAccessMode: neo4j.session.WRITE });
    const startedMs = performance.now();
    const running = settled(session.run(BATCH_CYPHER).then(
      () => { finishedMs = performance.now() - startedMs; },
      (error: unknown) => { failure = errorCode(error); },
    ));
    // Kill at the planned moment unless the import already ended (then there is nothing to interrupt).
    await until(running, startedMs + ctx.sizes.batchKillMs);
    if (finishedMs === undefined && failure === undefined && first.server.exitCode() === undefined) {
      process.kill(first.server.pid, 'SIGKILL');
      killedAtMs = performance.now() - startedMs;
      ctx.say(`batches: kill -9 of pid ${first.server.pid} after ${fmtMs(killedAtMs)}`);
      for (let i = 0; i < 100 && first.server.exitCode() === undefined; i++) await delay(50);
    }
    await until(running, performance.now() + 5000);
  } finally {
    await first.stop();
  }
  const check = `1 M-row CREATE IN TRANSACTIONS OF ${BATCH_ROWS} ROWS, kill -9 after ${fmtMs(ctx.sizes.batchKillMs)}, restart, count (:B)`;
  if (killedAtMs === undefined) {
    record(ctx, {
      part: 'batches', check, target: `a multiple of ${BATCH_ROWS}, > 0`,
      measured: finishedMs !== undefined ? `not interrupted: the import finished in ${fmtMs(finishedMs)}, before the kill (use a shorter --batch-kill-ms)` : `the import failed before the kill: ${failure ?? 'server gone'}`,
      verdict: 'not measured',
    });
    return;
  }
  const restartStartedMs = performance.now();
  const second = await startExecServer(ctx, 'batches-restart', { workDir: dataDir, logName: 'server-restart.out' });
  try {
    note(ctx, 'batches', `restart on the same data took ${fmtMs(performance.now() - restartStartedMs)} (to the first RETURN 1)`);
    const session = second.driver.session();
    const outcome = await until(session.run('MATCH (n:B) RETURN count(n) AS n'), performance.now() + 60_000);
    await until(settled(session.close()), performance.now() + 5000);
    const count = outcome.kind === 'done' ? Number(outcome.value.records[0]?.get('n')) : undefined;
    record(ctx, {
      part: 'batches', check, target: `a multiple of ${BATCH_ROWS}, > 0`,
      measured: count === undefined ? `could not count: ${outcome.kind === 'failed' ? errorCode(outcome.error) : 'no answer within 60 s'}`
        : `${count} nodes${count > 0 && count % BATCH_ROWS !== 0 ? ` (a partial batch of ${count % BATCH_ROWS})` : count === 0 ? ' (nothing committed before the kill)' : ` (${count / BATCH_ROWS} whole batches)`}`,
      verdict: count === undefined ? 'not measured' : wholeBatches(count, BATCH_ROWS) ? 'met' : 'missed',
      ...(count === undefined ? {} : { value: count }),
    });
  } finally {
    await second.stop();
  }
}
