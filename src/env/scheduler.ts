// The slicing seam: long statements give the event loop back between slices, so Bolt I/O,
// commits, timers and Raft heartbeats keep running while any query runs. Pure code asks this
// interface when to yield and waits on it; src/env/node/scheduler.ts is the real one.

export interface Scheduler {
  /** milliseconds on any monotonic scale; only differences are used */
  nowMs(): number;
  /** how long one slice of a statement may hold the loop before it yields */
  readonly sliceMs: number;
  /** resolves on a later turn of the host's loop, in FIFO order with other yielders (round robin) */
  yield(): Promise<void>;
}

/** Never slices: for the TCK, unit tests and tools that run one statement at a time. */
export const unslicedScheduler: Scheduler = {
  nowMs: () => 0,
  sliceMs: Number.POSITIVE_INFINITY,
  yield: () => Promise.resolve(),
};

/**
 * A deterministic scheduler for tests and the simulator: its clock advances one unit per
 * reading, so a slice ends after `sliceSteps` clock readings (every 256 ticks of work each), and
 * yielders resume in FIFO order on later microtask turns. The same program then interleaves its
 * statements the same way on every run.
 */
export function steppedScheduler(sliceSteps: number): Scheduler {
  let now = 0;
  return {
    nowMs: () => now++,
    sliceMs: sliceSteps,
    yield: () => new Promise<void>((resolve) => queueMicrotask(resolve)),
  };
}
