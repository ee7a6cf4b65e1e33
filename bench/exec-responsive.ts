// `responsive`: does the server keep answering while heavy queries run? RETURN 1 latency from a
// 5th client while 4 clients each run a heavy read in a loop; the server's own event-loop delay,
// measured inside it by bench/eventloop-probe.ts (preloaded with --import); and heavy-read
// throughput at 4 clients with the query worker pool on (server default, or --query-workers)
// against off (causeway.query.workers=0 in neo4j.conf).
import neo4j, { type Driver } from 'neo4j-driver';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import {
  atLeast, below, crashReason, errorCode, fmtMs, loopDelayBeyondTimer, parseProbeSnapshot, unrecognisedSetting, type ProbeSnapshot,
} from './execution-report.js';
import { delay, note, record, settled, startExecServer, until, type ExecServer, type ExecutionContext } from './execution.js';
import { summarizeLatencies } from './stats.js';

/** ~1.4 s on the idle 2-core VM with the server of Nov 2026, in one statement that touches no data. */
export const HEAVY_CYPHER = 'UNWIND range(1, 3000000) AS x RETURN count(*) AS n';
const HEAVY_CLIENTS = 4;
const PING_PAUSE_MS = 10;
const WORKERS_SETTING = 'causeway.query.workers';

export async function runResponsivePart(ctx: ExecutionContext): Promise<void> {
  const probeFile = join(ctx.workDir, 'responsive-eld.json');
  const onConf = ctx.sizes.queryWorkers === undefined ? [] : [`${WORKERS_SETTING}=${ctx.sizes.queryWorkers}`];
  const on = await startExecServer(ctx, 'responsive', {
    confLines: onConf,
    nodeArgs: [`--import=${pathToFileURL(ctx.probeEntry).href}`],
    env: { CAUSEWAY_BENCH_ELD_FILE: probeFile },
  });
  let onRate: number | undefined;
  try {
    const soloMs = await timeHeavy(on.driver, 60_000);
    note(ctx, 'responsive', `heavy query alone: ${soloMs === undefined ? 'did not finish within 60 s' : fmtMs(soloMs)} (\`${HEAVY_CYPHER}\`)`);
    await pingUnderLoad(ctx, on, probeFile);
    onRate = await heavyThroughput(ctx, on, 'pool on');
  } finally {
    await on.stop();
  }
  let off: ExecServer;
  try {
    off = await startExecServer(ctx, 'responsive-inline', { confLines: [`${WORKERS_SETTING}=0`] });
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    record(ctx, {
      part: 'responsive', check: `heavy-read throughput, ${HEAVY_CLIENTS} clients: pool on / ${WORKERS_SETTING}=0`, target: '≥ 1.7×',
      measured: unrecognisedSetting(text, WORKERS_SETTING)
        ? `setting ${WORKERS_SETTING} not recognised by this server (it refuses to start with it); pool on: ${rateText(onRate)}`
        : `inline server did not start: ${text.split('\n')[0] ?? ''}`,
      verdict: 'not measured',
    });
    return;
  }
  let offRate: number | undefined;
  try {
    offRate = await heavyThroughput(ctx, off, 'pool off');
  } finally {
    await off.stop();
  }
  const ratio = onRate === undefined || offRate === undefined || offRate <= 0 ? undefined : onRate / offRate;
  record(ctx, {
    part: 'responsive', check: `heavy-read throughput, ${HEAVY_CLIENTS} clients: pool ${ctx.sizes.queryWorkers === undefined ? 'default' : `${ctx.sizes.queryWorkers} workers`} / ${WORKERS_SETTING}=0`,
    target: '≥ 1.7×',
    measured: `${ratio === undefined ? '-' : `${ratio.toFixed(2)}×`} (${rateText(onRate)} vs ${rateText(offRate)})`,
    verdict: atLeast(ratio, 1.7),
    ...(ratio === undefined ? {} : { value: ratio }),
  });
}

const rateText = (rate: number | undefined): string => (rate === undefined ? '-' : `${rate.toFixed(2)} queries/s`);

async function timeHeavy(driver: Driver, limitMs: number): Promise<number | undefined> {
  const session = driver.session({ defaultAccessMode: neo4j.session.READ });
  const startedMs = performance.now();
  try {
    const outcome = await until(session.run(HEAVY_CYPHER), startedMs + limitMs);
    return outcome.kind === 'done' ? performance.now() - startedMs : undefined;
  } finally {
    await until(settled(session.close()), performance.now() + 10_000);
  }
}

/** Writes the probe's control file and waits (bounded) for the snapshot that answers it. */
async function probeControl(file: string, generation: number, freeze: boolean, limitMs: number): Promise<ProbeSnapshot | undefined> {
  writeFileSync(`${file}.ctl`, JSON.stringify({ generation, freeze }));
  const deadlineMs = performance.now() + limitMs;
  while (performance.now() < deadlineMs) {
    const snapshot = existsSync(file) ? parseProbeSnapshot(readFileSync(file, 'utf8')) : undefined;
    if (snapshot !== undefined && snapshot.generation === generation && (!freeze || snapshot.frozen)) return snapshot;
    await delay(50);
  }
  return undefined;
}

async function pingUnderLoad(ctx: ExecutionContext, srv: ExecServer, probeFile: string): Promise<void> {
  const started = await probeControl(probeFile, 1, false, 5000);
  if (started === undefined) note(ctx, 'responsive', `the event-loop probe did not answer (no ${probeFile}); is --import supported?`);
  const heavySessions = Array.from({ length: HEAVY_CLIENTS }, () => srv.driver.session({ defaultAccessMode: neo4j.session.READ }));
  const pinger = srv.driver.session({ defaultAccessMode: neo4j.session.READ });
  await pinger.run('RETURN 1 AS one');
  const startedMs = performance.now();
  const endMs = startedMs + ctx.sizes.heavyWindowMs;
  let heavyDone = 0;
  const errors: string[] = [];
  // Bounded twice: no new query after the window, and a hard cap on how many each client starts.
  const heavy = settled(Promise.all(heavySessions.map(async (session) => {
    for (let i = 0; i < 1000 && performance.now() < endMs; i++) {
      try { await session.run(HEAVY_CYPHER); heavyDone++; } catch (error) { errors.push(errorCode(error)); await delay(50); }
    }
  })));
  await delay(200); // let the heavy queries reach the server first
  const samplesMs: number[] = [];
  for (let i = 0; i < 100_000 && performance.now() < endMs; i++) {
    const requestStartedMs = performance.now();
    const outcome = await until(pinger.run('RETURN 1 AS one'), endMs + 30_000);
    if (outcome.kind !== 'done') { errors.push(outcome.kind === 'failed' ? errorCode(outcome.error) : 'ping pending 30 s past the window'); break; }
    samplesMs.push(performance.now() - requestStartedMs);
    await delay(PING_PAUSE_MS);
  }
  const finished = await until(heavy, endMs + 60_000);
  const frozen = started === undefined ? undefined : await probeControl(probeFile, 1, true, 15_000);
  for (const session of [...heavySessions, pinger]) await until(settled(session.close()), performance.now() + 5000);
  const exit = srv.server.exitCode();
  const latency = summarizeLatencies(samplesMs);
  const trouble = [
    exit === undefined ? '' : crashReason(srv.server.logTail(40), exit),
    finished.kind === 'pending' ? 'heavy clients still running 60 s after the window' : '',
    errors.length > 0 ? `${errors.length} errors, first ${errors[0] ?? ''}` : '',
  ].filter((s) => s !== '').join('; ');
  record(ctx, {
    part: 'responsive', check: `RETURN 1 p99 from a 5th client while ${HEAVY_CLIENTS} clients loop the heavy query`, target: '< 10 ms',
    measured: `p99 ${fmtMs(latency.p99Ms)} (p50 ${fmtMs(latency.p50Ms)}, max ${fmtMs(latency.maxMs)}, ${latency.count} requests, ${heavyDone} heavy queries completed from a ${fmtMs(ctx.sizes.heavyWindowMs)} window)${trouble === '' ? '' : `; ${trouble}`}`,
    verdict: latency.count === 0 ? 'not measured' : below(latency.p99Ms, 10),
    ...(latency.count === 0 ? {} : { value: latency.p99Ms }),
  });
  const delay99 = frozen === undefined ? undefined : loopDelayBeyondTimer(frozen);
  record(ctx, {
    part: 'responsive', check: 'server event-loop delay p99 over the same window (probe inside the server)', target: '< 5 ms',
    measured: frozen === undefined || delay99 === undefined ? 'no probe figures'
      : `p99 ${fmtMs(delay99.p99Ms)} (p50 ${fmtMs(delay99.p50Ms)}, max ${fmtMs(delay99.maxMs)}; ${frozen.count} samples of a ${frozen.resolutionMs} ms timer, its period subtracted)`,
    verdict: frozen === undefined || frozen.count === 0 ? 'not measured' : below(delay99?.p99Ms, 5),
    ...(delay99 === undefined ? {} : { value: delay99.p99Ms }),
  });
}

/** queries/s with 4 clients each running `heavyQueriesPerClient` heavy queries back to back. */
async function heavyThroughput(ctx: ExecutionContext, srv: ExecServer, label: string): Promise<number | undefined> {
  const perClient = ctx.sizes.heavyQueriesPerClient;
  const sessions = Array.from({ length: HEAVY_CLIENTS }, () => srv.driver.session({ defaultAccessMode: neo4j.session.READ }));
  const startedMs = performance.now();
  let done = 0;
  let lastMs = startedMs;
  const errors: string[] = [];
  const work = settled(Promise.all(sessions.map(async (session) => {
    for (let i = 0; i < perClient; i++) {
      try { await session.run(HEAVY_CYPHER); done++; lastMs = performance.now(); } catch (error) { errors.push(errorCode(error)); }
    }
  })));
  const outcome = await until(work, startedMs + Math.max(120_000, perClient * HEAVY_CLIENTS * 10_000));
  for (const session of sessions) await until(settled(session.close()), performance.now() + 5000);
  const seconds = (lastMs - startedMs) / 1000;
  const rate = done > 0 && seconds > 0 ? done / seconds : undefined;
  note(ctx, 'responsive', `${label}: ${done} of ${perClient * HEAVY_CLIENTS} heavy queries in ${seconds.toFixed(1)} s from ${HEAVY_CLIENTS} clients${outcome.kind === 'pending' ? ' (stopped at the deadline)' : ''}${errors.length > 0 ? `; ${errors.length} errors, first ${errors[0] ?? ''}` : ''}`);
  return rate;
}
