// Runs scenarios in worker threads so a scenario that loops forever or crashes the engine costs
// one scenario, not the run: a worker over its time budget is terminated and replaced, and the
// scenario is recorded as failed. The clock and ticker come in from the caller.

import { Worker } from 'node:worker_threads';
import type { Clock, Ticker } from '../env/clock.js';
import type { TckScenario } from './features.js';
import type { ScenarioOutcome } from './scenario.js';

/** Messages a scenario worker sends back. */
export type WorkerMessage = { readonly type: 'ready' } | { readonly type: 'done'; readonly key: string; readonly outcome: ScenarioOutcome };

export interface PoolOptions {
  readonly workerUrl: URL;
  readonly workerData: unknown;
  readonly workers: number;
  readonly scenarioBudgetMs: number;
  /** a worker that has not said ready after this long is treated as broken */
  readonly startupBudgetMs: number;
  readonly clock: Clock;
  readonly ticker: Ticker;
  readonly onResult?: (scenario: TckScenario, outcome: ScenarioOutcome, durationMs: number) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  current: TckScenario | undefined;
  startedMs: number;
  /** guards against reporting a replaced worker's late events */
  retired: boolean;
}

export async function runScenariosInWorkers(scenarios: readonly TckScenario[], options: PoolOptions): Promise<Map<string, ScenarioOutcome>> {
  const results = new Map<string, ScenarioOutcome>();
  if (scenarios.length === 0) return results;
  const queue = [...scenarios].reverse();
  const slots = new Set<Slot>();
  // Respawns are bounded: a worker that dies before running anything repeatedly means a broken setup.
  let startupFailuresLeft = 3;

  return new Promise((resolve, reject) => {
    let stopTicking = (): void => undefined;
    const finishIfDone = (): void => {
      if (results.size < scenarios.length) return;
      stopTicking();
      for (const slot of slots) retire(slot);
      resolve(results);
    };
    const record = (scenario: TckScenario, outcome: ScenarioOutcome, startedMs: number): void => {
      if (results.has(scenario.key)) return;
      results.set(scenario.key, outcome);
      options.onResult?.(scenario, outcome, options.clock.monotonicMs() - startedMs);
    };
    const retire = (slot: Slot): void => {
      slot.retired = true;
      slots.delete(slot);
      void slot.worker.terminate();
    };
    const dispatch = (slot: Slot): void => {
      const next = queue.pop();
      if (next === undefined) {
        retire(slot);
        finishIfDone();
        return;
      }
      slot.current = next;
      slot.startedMs = options.clock.monotonicMs();
      slot.worker.postMessage(next);
    };
    const fail = (slot: Slot, message: string): void => {
      const scenario = slot.current;
      retire(slot);
      if (scenario !== undefined) {
        record(scenario, { passed: false, message }, slot.startedMs);
      } else if (--startupFailuresLeft < 0) {
        stopTicking();
        for (const s of slots) retire(s);
        reject(new Error(`TCK worker keeps failing before running any scenario: ${message}`));
        return;
      }
      if (queue.length > 0) spawn();
      finishIfDone();
    };
    const spawn = (): void => {
      const worker = new Worker(options.workerUrl, { workerData: options.workerData });
      const slot: Slot = { worker, ready: false, current: undefined, startedMs: options.clock.monotonicMs(), retired: false };
      slots.add(slot);
      worker.on('message', (message: WorkerMessage) => {
        if (slot.retired) return;
        if (message.type === 'ready') {
          slot.ready = true;
          dispatch(slot);
          return;
        }
        if (slot.current !== undefined && message.key === slot.current.key) record(slot.current, message.outcome, slot.startedMs);
        slot.current = undefined;
        dispatch(slot);
      });
      worker.on('error', (error) => {
        if (!slot.retired) fail(slot, `crashed: ${error instanceof Error ? error.message : String(error)}`);
      });
      worker.on('exit', (code) => {
        if (!slot.retired) fail(slot, `worker exited with code ${code}`);
      });
    };
    stopTicking = options.ticker.every(Math.max(10, Math.min(250, options.scenarioBudgetMs / 4)), () => {
      const now = options.clock.monotonicMs();
      for (const slot of [...slots]) {
        if (slot.current !== undefined && now - slot.startedMs > options.scenarioBudgetMs) {
          fail(slot, `timed out after ${options.scenarioBudgetMs} ms`);
        } else if (!slot.ready && now - slot.startedMs > options.startupBudgetMs) {
          fail(slot, `worker did not start within ${options.startupBudgetMs} ms`);
        }
      }
    });
    const count = Math.max(1, Math.min(options.workers, scenarios.length));
    for (let i = 0; i < count; i++) spawn();
  });
}
