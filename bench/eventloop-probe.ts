// Preloaded into the server process (`node --import <url of this file> …/main.js console`) to
// measure its event-loop delay from the inside with perf_hooks.monitorEventLoopDelay. Inert unless
// CAUSEWAY_BENCH_ELD_FILE names an output file. Imports nothing from the project.
//
// Protocol (files only, so the probe needs no port and no signal):
// - every 100 ms, and at exit, the probe writes one JSON snapshot of the histogram since its last
//   reset to $CAUSEWAY_BENCH_ELD_FILE (written to a temp name and renamed, so readers never see half);
// - the bench writes `{"generation": n}` to "$CAUSEWAY_BENCH_ELD_FILE.ctl" to start a window: the
//   probe resets the histogram and reports that generation; `{"generation": n, "freeze": true}` ends
//   the window: the probe writes the final snapshot with `frozen: true` and stops updating it.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const outPath = process.env['CAUSEWAY_BENCH_ELD_FILE'];
if (outPath !== undefined && outPath !== '') {
  const resolutionMs = Number(process.env['CAUSEWAY_BENCH_ELD_RESOLUTION_MS'] ?? '2');
  const histogram = monitorEventLoopDelay({ resolution: Number.isFinite(resolutionMs) && resolutionMs >= 1 ? resolutionMs : 2 });
  histogram.enable();
  let generation = 0;
  let frozen = false;
  let sinceMs = Date.now();
  let lastControl = '';
  const ns = (value: number): number => value / 1e6;
  const write = (): void => {
    const snapshot = {
      pid: process.pid, generation, frozen, sinceMs, writtenMs: Date.now(), resolutionMs,
      count: histogram.count,
      minMs: ns(histogram.min), meanMs: ns(histogram.mean), maxMs: ns(histogram.max),
      p50Ms: ns(histogram.percentile(50)), p90Ms: ns(histogram.percentile(90)), p99Ms: ns(histogram.percentile(99)),
    };
    try {
      writeFileSync(`${outPath}.tmp`, `${JSON.stringify(snapshot)}\n`);
      renameSync(`${outPath}.tmp`, outPath);
    } catch {
      // the bench's temp dir may be gone at exit; the probe must never take the server down
    }
  };
  const tick = (): void => {
    try {
      const control = readFileSync(`${outPath}.ctl`, 'utf8');
      if (control !== lastControl) {
        lastControl = control;
        const parsed = JSON.parse(control) as { generation?: unknown; freeze?: unknown };
        const wanted = typeof parsed.generation === 'number' ? parsed.generation : generation;
        if (wanted !== generation) {
          generation = wanted;
          frozen = false;
          histogram.reset();
          sinceMs = Date.now();
        }
        if (parsed.freeze === true && !frozen) { frozen = true; write(); return; }
      }
    } catch {
      // no control file yet, or one being written: try again next tick
    }
    if (!frozen) write();
  };
  setInterval(tick, 100).unref();
  process.once('exit', () => { if (!frozen) write(); });
}
