// The real scheduler: one waiting slice resumes per turn of the event loop (setImmediate runs in
// the check phase, after I/O polling), so N busy statements cannot starve the sockets and timers
// the way N setImmediate callbacks queued back to back would.
import { performance } from 'node:perf_hooks';
import type { Scheduler } from '../scheduler.js';

/** Long enough that the cost of giving the loop back (~10 µs) is noise, short enough for Raft. */
export const DEFAULT_SLICE_MS = 2;

export function nodeScheduler(sliceMs = DEFAULT_SLICE_MS): Scheduler {
  const waiting: (() => void)[] = [];
  let scheduled = false;
  const resumeOne = (): void => {
    scheduled = false;
    const next = waiting.shift();
    if (waiting.length > 0) {
      scheduled = true;
      setImmediate(resumeOne);
    }
    next?.();
  };
  return {
    nowMs: () => performance.now(),
    sliceMs,
    yield() {
      return new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (!scheduled) {
          scheduled = true;
          setImmediate(resumeOne);
        }
      });
    },
  };
}
