// Runs the chosen execution parts one after another, each with a hard deadline; a part that throws
// or overruns is recorded as a failure and any server it left running is stopped by pid.
import { runBatchesPart } from './exec-batches.js';
import { runContentionPart } from './exec-contention.js';
import { runResponsivePart } from './exec-responsive.js';
import { runStreamPart } from './exec-stream.js';
import { EXECUTION_PARTS, type ExecutionPart } from './execution-report.js';
import type { ExecutionContext } from './execution.js';
import { withTimeout } from './loopback.js';

const RUNNERS: Record<ExecutionPart, (ctx: ExecutionContext) => Promise<void>> = {
  stream: runStreamPart,
  responsive: runResponsivePart,
  contention: runContentionPart,
  batches: runBatchesPart,
};

/** The backstop per part: far beyond what each part's own deadlines add up to. */
const PART_LIMIT_MS = 15 * 60_000;

export async function runExecutionParts(ctx: ExecutionContext, parts: ReadonlySet<string>): Promise<void> {
  for (const part of EXECUTION_PARTS) {
    if (!parts.has(part)) continue;
    ctx.say(`${part}: starting`);
    try {
      await withTimeout(RUNNERS[part](ctx), PART_LIMIT_MS, `part ${part}`);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      ctx.figures.failures.push({ part, message: text });
      ctx.say(`${part} failed: ${text}`);
    } finally {
      for (const server of [...ctx.liveServers]) {
        if (server.exitCode() === undefined) {
          ctx.say(`${part}: stopping server pid ${server.pid} left running`);
          await server.stop().catch(() => undefined);
        }
        ctx.liveServers.delete(server);
      }
    }
  }
}
