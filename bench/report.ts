// Turns one run's figures into the console table and the markdown kept in docs/benchmarks.md.
// Pure: no clock, no files; the caller supplies the date and machine description.
import type { FsyncFigures } from './disk-fsync.js';
import type { ExecutionFigures } from './execution-report.js';
import type { LatencySummary } from './stats.js';
import type { LoadFigures, ReadFigures, ReadLoadFigures, WriteFigures } from './workload.js';

export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly kernel: string;
  /** 1-minute load average at the start and end of the run: other work on the box skews every figure */
  readonly loadAverageStart: number;
  loadAverageEnd?: number;
}

export interface TargetFigures {
  load?: LoadFigures;
  reads: ReadFigures[];
  writes: WriteFigures[];
  readLoads: ReadLoadFigures[];
  idleResidentBytes?: number;
  loadedResidentBytes?: number;
  peakResidentBytes?: number;
  /** why the target stopped early, if it did */
  failure?: string;
}

export interface GraphFigures {
  readonly nodes: number;
  readonly relationships: number;
  readonly maxActedInPerActor: number;
  readonly meanActedInPerActor: number;
  readonly seed: number;
  readonly fingerprint: string;
}

export interface BenchRun {
  readonly dateIso: string;
  /** git commit of the code measured (with "+changes" when the tree was dirty), if known */
  readonly commit: string | undefined;
  readonly machine: MachineInfo;
  readonly settings: string;
  /** dd probes at the start, before each write phase and at the end: the disk's rate drifts, so the target uses the highest */
  readonly fsyncProbes: FsyncFigures[];
  fsyncFailure?: string;
  loopback?: LatencySummary;
  loopbackFailure?: string;
  graph?: GraphFigures;
  causeway?: TargetFigures;
  /** the same server through the minimal Bolt client (no neo4j-driver) */
  causewayRaw?: TargetFigures;
  kuzu?: TargetFigures;
  /** neo4j-driver against a Bolt responder that does no work (bench/floor-responder.ts) */
  floor?: TargetFigures;
  /** the stream, responsive, contention and batches parts */
  execution?: ExecutionFigures;
}

export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly verdict: 'met' | 'missed' | 'not measured';
}

/** Point lookup and 1-hop p50 at or under this, through the driver. */
export const READ_P50_TARGET_MS = 0.2;
/** Point lookup and 1-hop p50 at most this multiple of the same driver's p50 against a responder that does no work. */
export const FLOOR_RATIO_TARGET = 1.5;
/** 2-hop p50: kuzu's at least this multiple of Causeway's. */
export const TWO_HOP_SPEEDUP_TARGET = 5;

const ms = (value: number | undefined): string => (value === undefined || Number.isNaN(value) ? '-' : value < 10 ? value.toFixed(3) : value.toFixed(1));
const mib = (bytes: number | undefined): string => (bytes === undefined ? '-' : `${(bytes / 1048576).toFixed(0)} MiB`);
const ratio = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined || !(b > 0) || Number.isNaN(a) ? '-' : `${(a / b).toFixed(2)}x`;
const rate = (value: number | undefined): string => (value === undefined ? '-' : value.toFixed(0));
const us = (value: number | undefined): string => (value === undefined ? '-' : value.toFixed(0));
const triple = (s: LatencySummary | undefined): string => (s === undefined ? '-' : `${ms(s.p50Ms)} / ${ms(s.p90Ms)} / ${ms(s.p99Ms)}`);

function readOf(figures: TargetFigures | undefined, query: string): ReadFigures | undefined {
  return figures?.reads.find((r) => r.query.name === query);
}
function writeOf(figures: TargetFigures | undefined, clients: number): WriteFigures | undefined {
  return figures?.writes.find((w) => w.clients === clients);
}

/** The fastest dd probe of the run: the stricter bar for the group-commit target. */
export function bestFsyncRate(run: BenchRun): number | undefined {
  const rates = run.fsyncProbes.map((f) => f.writesPerSecond);
  return rates.length === 0 ? undefined : Math.max(...rates);
}

export function evaluateTargets(run: BenchRun): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const [query, title] of [['point', 'point lookup p50 ≤ 0.2 ms'], ['oneHop', '1-hop p50 ≤ 0.2 ms']] as const) {
    const read = readOf(run.causeway, query);
    const raw = readOf(run.causewayRaw, query);
    checks.push({
      target: title,
      measured: (read === undefined ? '-' : `${ms(read.latency.p50Ms)} ms`) + (raw === undefined ? '' : ` (server alone, raw Bolt: ${ms(raw.latency.p50Ms)} ms)`),
      verdict: read === undefined ? 'not measured' : read.latency.p50Ms <= READ_P50_TARGET_MS ? 'met' : 'missed',
    });
  }
  for (const [query, title] of [['point', 'point lookup'], ['oneHop', '1-hop']] as const) {
    const read = readOf(run.causeway, query);
    const floor = readOf(run.floor, query);
    const times = read === undefined || floor === undefined ? undefined : read.latency.p50Ms / floor.latency.p50Ms;
    checks.push({
      target: `${title} p50 ≤ ${FLOOR_RATIO_TARGET}× the driver floor p50`,
      measured: times === undefined ? '-' : `${times.toFixed(2)}× (${ms(read?.latency.p50Ms)} vs ${ms(floor?.latency.p50Ms)} ms)`,
      verdict: times === undefined ? 'not measured' : times <= FLOOR_RATIO_TARGET ? 'met' : 'missed',
    });
  }
  const ours = readOf(run.causeway, 'twoHop');
  const theirs = readOf(run.kuzu, 'twoHop');
  const speedup = ours === undefined || theirs === undefined ? undefined : theirs.latency.p50Ms / ours.latency.p50Ms;
  checks.push({
    target: `2-hop p50 ≥ ${TWO_HOP_SPEEDUP_TARGET}× faster than kuzu`,
    measured: speedup === undefined ? '-' : `${speedup.toFixed(1)}× (${ms(ours?.latency.p50Ms)} vs ${ms(theirs?.latency.p50Ms)} ms)`,
    verdict: speedup === undefined ? 'not measured' : speedup >= TWO_HOP_SPEEDUP_TARGET ? 'met' : 'missed',
  });
  const sixteen = writeOf(run.causeway, 16);
  const fsyncRate = bestFsyncRate(run);
  checks.push({
    target: '16-client durable tx/s > dd fsync writes/s',
    measured: sixteen === undefined || fsyncRate === undefined ? '-' : `${ratio(sixteen.transactionsPerSecond, fsyncRate)} (${rate(sixteen.transactionsPerSecond)} vs ${rate(fsyncRate)})`,
    verdict: sixteen === undefined || fsyncRate === undefined ? 'not measured'
      : sixteen.transactionsPerSecond > fsyncRate ? 'met' : 'missed',
  });
  return checks;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

/** Markdown of the whole run; the console prints the same text, since markdown tables read fine there. */
export function runHeader(run: BenchRun): string {
  return `Run of ${run.dateIso}${run.commit === undefined ? '' : ` at commit ${run.commit}`} on ${run.machine.cpus} cores (${run.machine.cpuModel}), ${run.machine.memoryGiB.toFixed(0)} GiB RAM, Node ${run.machine.node}, Linux ${run.machine.kernel}; load average ${run.machine.loadAverageStart.toFixed(1)} at start, ${run.machine.loadAverageEnd?.toFixed(1) ?? '-'} at end.`;
}

export function renderRun(run: BenchRun): string {
  const lines: string[] = [];
  lines.push(runHeader(run));
  lines.push(`Settings: ${run.settings}`);
  lines.push('');
  if (run.graph !== undefined) {
    lines.push(`Graph: ${run.graph.nodes} nodes, ${run.graph.relationships} relationships (seed ${run.graph.seed}, fingerprint ${run.graph.fingerprint}); ACTED_IN per actor: mean ${run.graph.meanActedInPerActor.toFixed(1)}, max ${run.graph.maxActedInPerActor}.`);
    lines.push('');
  }

  lines.push('**Targets**', '');
  lines.push(...table(['target', 'measured', 'verdict'], evaluateTargets(run).map((c) => [c.target, c.measured, c.verdict])));
  lines.push('');

  lines.push('**Read latency** (ms, one client, sequential requests; Causeway through neo4j-driver over bolt://127.0.0.1, kuzu embedded)', '');
  const readRows = (['ping', 'point', 'oneHop', 'twoHop'] as const).flatMap((query) => {
    const ours = readOf(run.causeway, query);
    const theirs = readOf(run.kuzu, query);
    const raw = readOf(run.causewayRaw, query);
    const title = (ours ?? raw ?? theirs)?.query.title;
    if (title === undefined) return [];
    const counted = [ours, raw, theirs].filter((f): f is ReadFigures => f !== undefined && !f.truncated).map((f) => f.rows);
    const rows = `${ours?.rows ?? '-'} / ${raw?.rows ?? '-'} / ${theirs?.rows ?? '-'}${new Set(counted).size > 1 ? ' (DIFFER)' : ''}`;
    const note = [ours?.truncated ? 'Causeway stopped at budget' : '', raw?.truncated ? 'raw stopped at budget' : '', theirs?.truncated ? 'kuzu stopped at budget' : ''].filter((s) => s !== '').join('; ');
    return [[title, triple(ours?.latency), triple(raw?.latency), triple(theirs?.latency), ratio(ours?.latency.p50Ms, theirs?.latency.p50Ms), `${(ours ?? raw ?? theirs)?.latency.count ?? '-'}`, rows + (note === '' ? '' : ` (${note})`)]];
  });
  lines.push(...table(['query', 'Causeway (driver) p50 / p90 / p99', 'Causeway (raw Bolt) p50 / p90 / p99', 'kuzu p50 / p90 / p99', 'p50 ratio C/k', 'requests', 'rows C / raw / k'], readRows));
  lines.push('');
  lines.push('CPU per request (µs): where the time goes. Causeway: bench process (driver) and server process; kuzu: the one process.', '');
  const cpuRows = (['ping', 'point', 'oneHop', 'twoHop'] as const).flatMap((query) => {
    const ours = readOf(run.causeway, query);
    const theirs = readOf(run.kuzu, query);
    const raw = readOf(run.causewayRaw, query);
    if (ours === undefined && raw === undefined && theirs === undefined) return [];
    return [[(ours ?? raw ?? theirs)?.query.title ?? query, us(ours?.clientCpuUsPerRequest), us(ours?.serverCpuUsPerRequest), us(raw?.clientCpuUsPerRequest), us(raw?.serverCpuUsPerRequest), us(theirs?.clientCpuUsPerRequest)]];
  });
  lines.push(...table(['query', 'driver: client side', 'driver: server', 'raw Bolt: client side', 'raw Bolt: server', 'kuzu (embedded)'], cpuRows));
  lines.push('');

  const floorRows = (['ping', 'point', 'oneHop', 'twoHop'] as const).flatMap((query) => {
    const floor = readOf(run.floor, query);
    if (floor === undefined) return [];
    const ours = readOf(run.causeway, query);
    return [[floor.query.title, triple(floor.latency), ms(ours?.latency.p50Ms), ratio(ours?.latency.p50Ms, floor.latency.p50Ms), us(floor.clientCpuUsPerRequest), us(floor.serverCpuUsPerRequest)]];
  });
  if (floorRows.length > 0) {
    lines.push('**Driver floor** (the same neo4j-driver loop against `bench/floor-responder.ts`, a Bolt server that answers every request with canned records, as many as Causeway returns for it: what the driver, Bolt and loopback cost alone)', '');
    lines.push(...table(['query', 'floor p50 / p90 / p99 ms', 'Causeway (driver) p50 ms', 'ratio C/floor', 'floor: client CPU µs/request', 'floor: responder CPU µs/request'], floorRows));
    lines.push('');
  }

  const loadRows = (['point', 'oneHop', 'twoHop'] as const).flatMap((query) => {
    const find = (f: TargetFigures | undefined): ReadLoadFigures | undefined => f?.readLoads.find((r) => r.query.name === query);
    const ours = find(run.causeway);
    const raw = find(run.causewayRaw);
    const theirs = find(run.kuzu);
    const any = ours ?? raw ?? theirs;
    if (any === undefined) return [];
    return [[any.query.title, `${any.clients}`, rate(ours?.requestsPerSecond), rate(raw?.requestsPerSecond), rate(theirs?.requestsPerSecond), ratio(ours?.requestsPerSecond, theirs?.requestsPerSecond)]];
  });
  if (loadRows.length > 0) {
    lines.push('**Concurrent reads** (requests/s with several clients at once; higher is better)', '');
    lines.push(...table(['query', 'clients', 'Causeway (driver)', 'Causeway (raw Bolt)', 'kuzu', 'ratio C/k'], loadRows));
    lines.push('');
  }

  lines.push('**Durable writes** (`CREATE (:Bench {id: $id, v: $v})`, one transaction each, fsync on)', '');
  const clientCounts = [...new Set([...(run.causeway?.writes ?? []), ...(run.causewayRaw?.writes ?? []), ...(run.kuzu?.writes ?? [])].map((w) => w.clients))].sort((a, b) => a - b);
  const writeRows = clientCounts.map((clients) => {
    const ours = writeOf(run.causeway, clients);
    const theirs = writeOf(run.kuzu, clients);
    const errors = `${ours?.errors ?? '-'} / ${theirs?.errors ?? '-'}`;
    const raw = writeOf(run.causewayRaw, clients);
    return [`${clients}`, rate(ours?.transactionsPerSecond), rate(raw?.transactionsPerSecond), rate(theirs?.transactionsPerSecond), ratio(ours?.transactionsPerSecond, theirs?.transactionsPerSecond),
      `${ms(ours?.latency.p50Ms)} / ${ms(ours?.latency.p99Ms)}`, `${ms(theirs?.latency.p50Ms)} / ${ms(theirs?.latency.p99Ms)}`, errors];
  });
  lines.push(...table(['clients', 'Causeway tx/s (driver)', 'Causeway tx/s (raw Bolt)', 'kuzu tx/s', 'ratio C/k', 'Causeway p50 / p99 ms', 'kuzu p50 / p99 ms', 'errors C / k'], writeRows));
  lines.push('');
  lines.push('CPU per transaction (µs): Causeway bench process (driver) / server; kuzu the one process.', '');
  lines.push(...table(['clients', 'driver: client side', 'driver: server', 'raw Bolt: client side', 'raw Bolt: server', 'kuzu (embedded)'], clientCounts.map((clients) => {
    const ours = writeOf(run.causeway, clients);
    const theirs = writeOf(run.kuzu, clients);
    const raw = writeOf(run.causewayRaw, clients);
    return [`${clients}`, us(ours?.clientCpuUsPerTx), us(ours?.serverCpuUsPerTx), us(raw?.clientCpuUsPerTx), us(raw?.serverCpuUsPerTx), us(theirs?.clientCpuUsPerTx)];
  })));
  lines.push('');

  lines.push('**Context**', '');
  const context: string[][] = [];
  context.push([`disk fsync (dd bs=4k count=${run.fsyncProbes[0]?.writes ?? '-'} oflag=dsync): start, before each write phase, end`,
    run.fsyncProbes.length === 0 ? `- ${run.fsyncFailure ?? ''}` : `${run.fsyncProbes.map((f) => rate(f.writesPerSecond)).join(' / ')} writes/s`]);
  const sixteen = writeOf(run.causeway, 16);
  const fsyncRate = bestFsyncRate(run);
  if (sixteen !== undefined && fsyncRate !== undefined) {
    context.push(['Causeway 16-client tx/s per dd fsync (higher probe)', ratio(sixteen.transactionsPerSecond, fsyncRate)]);
  }
  context.push(['loopback TCP round trip, 64 B, two processes (p50 / p90 / p99 ms)', run.loopback === undefined ? `- ${run.loopbackFailure ?? ''}` : triple(run.loopback)]);
  for (const [name, figures] of [['Causeway', run.causeway], ['kuzu', run.kuzu]] as const) {
    if (figures === undefined) continue;
    if (name === 'Causeway' && run.causewayRaw?.failure !== undefined) context.push(['Causeway raw Bolt failure', run.causewayRaw.failure.slice(0, 300)]);
    if (figures.load !== undefined) {
      const l = figures.load;
      context.push([`${name} load`, `${l.nodes} nodes + ${l.relationships} rels in ${l.seconds.toFixed(1)} s (${rate((l.nodes + l.relationships) / l.seconds)} entities/s; ${l.method})`]);
    }
    const whose = name === 'Causeway' ? 'server RSS' : 'process RSS (its own process, kuzu embedded)';
    context.push([`${name} ${whose}: idle / loaded / peak under load`, `${mib(figures.idleResidentBytes)} / ${mib(figures.loadedResidentBytes)} / ${mib(figures.peakResidentBytes)}`]);
    if (figures.failure !== undefined) context.push([`${name} failure`, figures.failure.replace(/\s+/g, ' ').slice(0, 400)]);
    for (const w of figures.writes) if (w.firstError !== undefined) context.push([`${name} first write error (${w.clients} clients)`, w.firstError.slice(0, 200)]);
  }
  lines.push(...table(['what', 'figure'], context));
  return lines.join('\n');
}

export const RESULTS_START = '<!-- bench:latest:start -->';
export const RESULTS_END = '<!-- bench:latest:end -->';
export const EXECUTION_START = '<!-- bench:execution:start -->';
export const EXECUTION_END = '<!-- bench:execution:end -->';

/** Puts the rendered run between the markers of the docs page, keeping the hand-written text around it. */
export function spliceLatest(existingDoc: string, rendered: string): string {
  return spliceBlock(existingDoc, rendered, RESULTS_START, RESULTS_END, 'Latest figures');
}

/** Replaces the text between `start` and `end`; without the markers, appends them under a `## heading`. */
export function spliceBlock(existingDoc: string, rendered: string, startMarker: string, endMarker: string, heading: string): string {
  const block = `${startMarker}\n${rendered}\n${endMarker}`;
  const start = existingDoc.indexOf(startMarker);
  const end = existingDoc.indexOf(endMarker);
  if (start >= 0 && end > start) return existingDoc.slice(0, start) + block + existingDoc.slice(end + endMarker.length);
  return `${existingDoc.trimEnd()}\n\n## ${heading}\n\n${block}\n`;
}
