// The real monotonic clock for components that measure durations (Bolt t_first / t_last).

import { performance } from 'node:perf_hooks';
import type { MonotonicClock } from '../../bolt/services.js';

export const systemMonotonicClock: MonotonicClock = {
  nowMs: () => performance.now(),
};
