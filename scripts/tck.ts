// `npm run tck`: runs the openCypher TCK (features under --tck-dir, default ../shared/tck) against
// a fresh in-memory store and CypherEngine per scenario, prints a table per feature folder and the
// pass rate, and fails when a scenario that is not on test/tck/known-failures.txt fails. Errors are
// compared strictly (type, detail, phase) unless --lenient.

import { Command } from 'commander';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeClock, nodeTicker } from '../src/env/node/clock.js';
import { parseFeature, type TckScenario } from '../src/tck/features.js';
import { checkAgainstKnownFailures, formatKnownFailures, parseKnownFailures } from '../src/tck/known-failures.js';
import { runScenariosInWorkers } from '../src/tck/pool.js';
import { formatReport, tallyByFolder, updateReadmeFigure, type ScenarioResult } from '../src/tck/report.js';
import type { EngineBackendData } from '../src/tck/backend.js';
import type { ScenarioOutcome } from '../src/tck/scenario.js';

// dist/scripts/tck.js → the repository root is two folders up, whichever dist folder built it.
const repoRoot = resolve(fileURLToPath(new URL('../../', import.meta.url)));

function listFeatureFiles(dir: string, out: string[] = [], depth = 0): string[] {
  if (depth > 10) return out;
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) listFeatureFiles(path, out, depth + 1);
    else if (name.endsWith('.feature')) out.push(path);
  }
  return out;
}

function loadGraphScripts(tckDir: string): Record<string, string> {
  const graphsDir = join(tckDir, 'graphs');
  const scripts: Record<string, string> = {};
  if (!existsSync(graphsDir)) return scripts;
  for (const name of readdirSync(graphsDir)) {
    const file = join(graphsDir, name, `${name}.cypher`);
    if (existsSync(file)) scripts[name] = readFileSync(file, 'utf8');
  }
  return scripts;
}

interface Options {
  tckDir: string;
  knownFailures: string;
  updateKnownFailures?: boolean;
  filter?: string;
  workers: string;
  timeoutMs: string;
  verbose?: boolean;
  updateReadme?: boolean;
  store: string;
  json?: string;
  strict?: boolean;
  lenient?: boolean;
}

async function main(): Promise<number> {
  const program = new Command()
    .name('tck')
    .option('--tck-dir <dir>', 'openCypher TCK checkout (features/ and graphs/)', join(repoRoot, '..', 'shared', 'tck'))
    .option('--known-failures <file>', 'list of scenarios known to fail', join(repoRoot, 'test', 'tck', 'known-failures.txt'))
    .option('--update-known-failures', 'rewrite the known-failures list from this run')
    .option('--filter <text>', 'only scenarios whose key contains this text')
    .option('--workers <n>', 'worker threads', String(Math.max(1, Math.min(4, availableParallelism()))))
    .option('--timeout-ms <ms>', 'time budget per scenario', '5000')
    .option('--verbose', 'print every failure, not only regressions')
    .option('--update-readme', 'write the pass rate into README.md (the line after <!-- tck-figure -->)')
    .option('--json <file>', 'also write every scenario result (key, passed, message, duration) as JSON')
    .option('--strict', 'compare errors strictly (the default): the openCypher type exactly, the detail when named, the phase (compile time / runtime)')
    .option('--lenient', 'compare errors as before issue 11: SyntaxError and SemanticError interchange, a compile-time TypeError may be a SyntaxError, the detail only when the engine attached one')
    .option('--store <store>', 'memory (default) or durable (the LMDB engine, one scratch store per scenario)', 'memory')
    .parse(process.argv);
  const options = program.opts<Options>();
  const tckDir = resolve(options.tckDir);
  const featuresDir = join(tckDir, 'features');
  if (!existsSync(featuresDir)) {
    process.stderr.write(`tck: ${featuresDir} does not exist; pass --tck-dir <openCypher tck folder>\n`);
    return 2;
  }
  if (options.strict === true && options.lenient === true) {
    process.stderr.write('tck: --strict and --lenient exclude each other\n');
    return 2;
  }
  if (options.updateKnownFailures === true && options.filter !== undefined) {
    process.stderr.write('tck: --update-known-failures needs a full run; drop --filter\n');
    return 2;
  }

  let scenarios: TckScenario[] = [];
  const featureFiles = listFeatureFiles(featuresDir);
  for (const file of featureFiles) {
    const feature = relative(featuresDir, file).split(sep).join('/');
    scenarios.push(...parseFeature(readFileSync(file, 'utf8'), feature));
  }
  if (options.filter !== undefined) scenarios = scenarios.filter((s) => s.key.includes(options.filter as string));
  const duplicates = scenarios.length - new Set(scenarios.map((s) => s.key)).size;
  if (duplicates > 0) process.stderr.write(`tck: warning: ${duplicates} scenario keys are duplicated; results for them merge\n`);

  const started = nodeClock.monotonicMs();
  if (options.store !== 'memory' && options.store !== 'durable') {
    process.stderr.write(`tck: --store must be memory or durable, not ${options.store}\n`);
    return 2;
  }
  const scratchDir = options.store === 'durable' ? mkdtempSync(join(tmpdir(), 'causeway-tck-')) : undefined;
  const workerData: EngineBackendData = {
    graphScripts: loadGraphScripts(tckDir), store: options.store, ...(scratchDir === undefined ? {} : { scratchDir }),
    ...(options.lenient === true ? {} : { strict: true }),
  };
  const durations: { key: string; ms: number }[] = [];
  let outcomes: Map<string, ScenarioOutcome>;
  try {
    outcomes = await runScenariosInWorkers(scenarios, {
      workerUrl: new URL('../src/tck/worker.js', import.meta.url),
      workerData,
      workers: Number(options.workers),
      scenarioBudgetMs: Number(options.timeoutMs),
      startupBudgetMs: 30_000,
      clock: nodeClock,
      ticker: nodeTicker,
      onResult: (scenario, _outcome, ms) => durations.push({ key: scenario.key, ms }),
    });
  } finally {
    if (scratchDir !== undefined) rmSync(scratchDir, { recursive: true, force: true });
  }
  const elapsedS = (nodeClock.monotonicMs() - started) / 1000;

  const results: ScenarioResult[] = scenarios.map((s) => {
    const outcome = outcomes.get(s.key) ?? { passed: false, message: 'no result' };
    return { key: s.key, folder: s.folder, passed: outcome.passed, ...(outcome.passed ? {} : { message: outcome.message }) };
  });
  const byKey = new Map(results.map((r) => [r.key, r.passed]));

  if (options.verbose === true) {
    for (const r of results) if (!r.passed) process.stdout.write(`FAIL ${r.key}\n  ${(r.message ?? '').split('\n').join('\n  ')}\n`);
  }
  if (options.verbose === true) {
    process.stdout.write('slowest scenarios:\n');
    for (const d of durations.sort((a, b) => b.ms - a.ms).slice(0, 10)) process.stdout.write(`  ${d.ms.toFixed(0).padStart(6)} ms  ${d.key}\n`);
  }
  if (options.json !== undefined) {
    const durationByKey = new Map(durations.map((d) => [d.key, Math.round(d.ms)]));
    const passed = results.filter((r) => r.passed).length;
    const report = {
      passed, total: results.length, store: options.store, folders: tallyByFolder(results),
      scenarios: results.map((r) => ({ ...r, durationMs: durationByKey.get(r.key) ?? null })),
    };
    writeFileSync(options.json, JSON.stringify(report, null, 2) + '\n');
  }
  process.stdout.write(formatReport(results));
  process.stdout.write(`(${scenarios.length} scenarios in ${elapsedS.toFixed(1)} s, ${options.lenient === true ? 'lenient' : 'strict'} error checks)\n`);

  if (options.updateReadme === true) {
    if (options.filter !== undefined) {
      process.stderr.write('tck: --update-readme needs a full run; drop --filter\n');
      return 2;
    }
    const readmePath = join(repoRoot, 'README.md');
    const passed = results.filter((r) => r.passed).length;
    writeFileSync(readmePath, updateReadmeFigure(readFileSync(readmePath, 'utf8'), passed, results.length, featureFiles.length, options.lenient === true ? 'lenient' : 'strict'));
    process.stdout.write(`updated the TCK figure in ${readmePath}\n`);
  }
  if (options.updateKnownFailures === true) {
    writeFileSync(options.knownFailures, formatKnownFailures(results.filter((r) => !r.passed).map((r) => r.key)));
    process.stdout.write(`wrote ${results.filter((r) => !r.passed).length} known failures to ${options.knownFailures}\n`);
    return 0;
  }
  const known = existsSync(options.knownFailures) ? parseKnownFailures(readFileSync(options.knownFailures, 'utf8')) : new Set<string>();
  const check = checkAgainstKnownFailures(byKey, known);
  if (check.nowPassing.length > 0) {
    process.stdout.write(`\n${check.nowPassing.length} scenarios on the known-failures list now pass; remove them (or run with --update-known-failures):\n`);
    for (const key of check.nowPassing) process.stdout.write(`  ${key}\n`);
  }
  if (check.regressions.length > 0) {
    process.stdout.write(`\n${check.regressions.length} scenarios failed that are not on the known-failures list:\n`);
    const messages = new Map(results.map((r) => [r.key, r.message ?? '']));
    for (const key of check.regressions) {
      const message = (messages.get(key) ?? '').split('\n').slice(0, 6).join('\n    ');
      process.stdout.write(`  ${key}\n    ${message}\n`);
    }
    return 1;
  }
  return 0;
}

process.exitCode = await main();
