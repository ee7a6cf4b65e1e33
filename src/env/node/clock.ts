// The real clock and ticker.
import { performance } from 'node:perf_hooks';
import type { Clock, Ticker } from '../clock.js';

export const nodeClock: Clock = {
  monotonicMs: () => performance.now(),
  wallMs: () => Date.now(),
};

export const nodeTicker: Ticker = {
  every(intervalMs, onTick) {
    const timer = setInterval(onTick, intervalMs);
    return () => clearInterval(timer);
  },
};
