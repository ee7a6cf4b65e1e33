// Figures, verdicts and markdown of the execution parts (stream, responsive, contention, batches):
// how the server behaves under big results, heavy queries, conflicting writers, timeouts and
// killed batch imports. Pure: no clock, no files, no processes; the parts in bench/exec-*.ts measure.

export const EXECUTION_PARTS = ['stream', 'responsive', 'contention', 'batches'] as const;
export type ExecutionPart = (typeof EXECUTION_PARTS)[number];

export type Verdict = 'met' | 'missed' | 'not measured';

export interface ExecutionCheck {
  readonly part: ExecutionPart;
  readonly check: string;
  /** the target in words, e.g. "< 100 MB" */
  readonly target: string;
  /** what was measured, in words (with the outcome when the server could not do it) */
  readonly measured: string;
  readonly verdict: Verdict;
  /** the headline number, for comparing runs through --json (ms, MB, ratio or count as the target says) */
  readonly value?: number;
}

export interface ExecutionFigures {
  readonly checks: ExecutionCheck[];
  /** context: calibration times, server notices, what happened to a crashed server */
  readonly notes: { readonly part: ExecutionPart; readonly text: string }[];
  /** the part could not run at all (server did not start, harness error): a failed run, not a missed target */
  readonly failures: { readonly part: ExecutionPart; readonly message: string }[];
}

export function emptyExecutionFigures(): ExecutionFigures {
  return { checks: [], notes: [], failures: [] };
}

export function atMost(value: number | undefined, limit: number): Verdict {
  return value === undefined || Number.isNaN(value) ? 'not measured' : value <= limit ? 'met' : 'missed';
}
export function below(value: number | undefined, limit: number): Verdict {
  return value === undefined || Number.isNaN(value) ? 'not measured' : value < limit ? 'met' : 'missed';
}
export function atLeast(value: number | undefined, limit: number): Verdict {
  return value === undefined || Number.isNaN(value) ? 'not measured' : value >= limit ? 'met' : 'missed';
}
export function within(value: number | undefined, low: number, high: number): Verdict {
  return value === undefined || Number.isNaN(value) ? 'not measured' : value >= low && value <= high ? 'met' : 'missed';
}

/** A killed `IN TRANSACTIONS OF n ROWS` import must leave whole batches only, and at least one. */
export function wholeBatches(count: number, batchRows: number): boolean {
  return count > 0 && batchRows > 0 && count % batchRows === 0;
}

/** The status code of a neo4j-driver error (`Neo.ClientError…`), or a short description of what else it was. */
export function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '' && code !== 'N/A') return code;
    if (error instanceof Error) return `${error.name}: ${error.message.slice(0, 120)}`;
  }
  return String(error).slice(0, 120);
}

/** The code and the start of the message: for a single failure worth reading (e.g. why a connection closed). */
export function errorText(error: unknown): string {
  const code = errorCode(error);
  const text = error instanceof Error ? error.message.replace(/\s+/g, ' ').slice(0, 120) : '';
  return text === '' || code.includes(text) ? code : `${code} (${text})`;
}

/** Counts of each error code seen, most frequent first: "12× Neo.Transient… , 1× …". */
export function describeCodes(codes: ReadonlyMap<string, number>): string {
  return [...codes.entries()].sort((a, b) => b[1] - a[1]).map(([code, n]) => `${n}× ${code}`).join(', ');
}

/** One snapshot written by bench/eventloop-probe.ts. */
export interface ProbeSnapshot {
  readonly pid: number;
  readonly generation: number;
  readonly frozen: boolean;
  readonly count: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
  readonly resolutionMs: number;
}

export function parseProbeSnapshot(text: string): ProbeSnapshot | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const o = parsed as Record<string, unknown>;
  const num = (key: string): number | undefined => (typeof o[key] === 'number' && Number.isFinite(o[key]) ? o[key] as number : undefined);
  const fields = { pid: num('pid'), generation: num('generation'), count: num('count'), p50Ms: num('p50Ms'), p90Ms: num('p90Ms'), p99Ms: num('p99Ms'), maxMs: num('maxMs'), meanMs: num('meanMs'), resolutionMs: num('resolutionMs') };
  if (Object.values(fields).some((v) => v === undefined)) return undefined;
  return { ...(fields as { [K in keyof typeof fields]: number }), frozen: o['frozen'] === true };
}

/**
 * monitorEventLoopDelay records the time between firings of a timer armed every `resolution` ms, so
 * an idle loop reads as the resolution itself: the delay is what exceeds it (never below zero).
 */
export function loopDelayBeyondTimer(snapshot: ProbeSnapshot): { p50Ms: number; p90Ms: number; p99Ms: number; maxMs: number } {
  const beyond = (value: number): number => Math.max(0, value - snapshot.resolutionMs);
  return { p50Ms: beyond(snapshot.p50Ms), p90Ms: beyond(snapshot.p90Ms), p99Ms: beyond(snapshot.p99Ms), maxMs: beyond(snapshot.maxMs) };
}

/** The server log's own words when it died of heap exhaustion or was killed. */
export function crashReason(logTail: string, exitCode: number | null | undefined): string {
  if (/heap out of memory|Allocation failed|ERR_WORKER_OUT_OF_MEMORY/i.test(logTail)) return 'server ran out of heap (JavaScript heap out of memory)';
  if (exitCode === null) return 'server killed by a signal';
  return `server exited with code ${String(exitCode)}`;
}

/** Whether the server refused a setting it does not know (strict config validation). */
export function unrecognisedSetting(logTail: string, setting: string): boolean {
  return logTail.includes(`Unrecognized setting "${setting}"`);
}

/** Whether the server said it ignores a Neo4j setting it knows of but does not use. */
export function ignoredSetting(logTail: string, setting: string): boolean {
  return logTail.includes(`Setting "${setting}"`) && /does not use; ignored/.test(logTail);
}

export const fmtMs = (value: number | undefined): string =>
  value === undefined || Number.isNaN(value) ? '-' : value < 10 ? `${value.toFixed(2)} ms` : value < 10_000 ? `${value.toFixed(0)} ms` : `${(value / 1000).toFixed(1)} s`;
export const fmtMB = (bytes: number | undefined): string => (bytes === undefined || Number.isNaN(bytes) ? '-' : `${(bytes / 1e6).toFixed(0)} MB`);

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

/** Markdown: one table of checks with verdicts, then the notes and failures, part by part. */
export function renderExecution(figures: ExecutionFigures, header: string): string {
  const lines: string[] = [header, ''];
  lines.push('**Execution checks** (streaming, responsiveness, locks, timeouts, batched imports)', '');
  lines.push(...table(['part', 'check', 'target', 'measured', 'verdict'], figures.checks.map((c) => [c.part, c.check, c.target, c.measured, c.verdict])));
  const met = figures.checks.filter((c) => c.verdict === 'met').length;
  const missed = figures.checks.filter((c) => c.verdict === 'missed').length;
  lines.push('', `${met} met, ${missed} missed, ${figures.checks.length - met - missed} not measured.`);
  if (figures.notes.length > 0 || figures.failures.length > 0) {
    lines.push('', '**Notes**', '');
    for (const note of figures.notes) lines.push(`- ${note.part}: ${note.text.replace(/\s+/g, ' ')}`);
    for (const failure of figures.failures) lines.push(`- ${failure.part} could not run: ${failure.message.replace(/\s+/g, ' ').slice(0, 500)}`);
  }
  return lines.join('\n');
}
