import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { nodeClock, nodeTicker } from '../../src/env/node/clock.js';
import { parseFeature, type TckScenario } from '../../src/tck/features.js';
import { checkAgainstKnownFailures, formatKnownFailures, parseKnownFailures } from '../../src/tck/known-failures.js';
import { runScenariosInWorkers } from '../../src/tck/pool.js';
import { formatReport, updateReadmeFigure } from '../../src/tck/report.js';
import { errorTypeMatches, runScenario } from '../../src/tck/scenario.js';
import { createToyBackend } from './fake-backend.js';

// The fixture lives in the source tree; tests run from <dist>/test/tck.
const featureText = readFileSync(new URL('../../../test/tck/fixtures/tiny.gherkin', import.meta.url), 'utf8');
const scenarios = parseFeature(featureText, 'tiny/Tiny.feature');
const byName = (prefix: string): TckScenario => {
  const s = scenarios.find((x) => x.name.startsWith(prefix));
  assert.ok(s, `fixture scenario ${prefix}`);
  return s;
};

const EXPECTED_PASS = new Set([
  'tiny/Tiny.feature:[1] integers and floats are distinct',
  'tiny/Tiny.feature:[3] setup, nodes and side effects',
  'tiny/Tiny.feature:[4] deleting removes the label and the property too',
  'tiny/Tiny.feature:[5] expected errors compare code and detail',
  'tiny/Tiny.feature:[7] parameters round-trip#1',
  'tiny/Tiny.feature:[7] parameters round-trip#2',
  'tiny/Tiny.feature:[7] parameters round-trip#3',
  'tiny/Tiny.feature:[9] list element order can be ignored',
  'tiny/Tiny.feature:[10] scenario-declared procedures',
]);

test('features expand outlines into keyed scenarios', () => {
  // Proves outline expansion, example indexes and the known-failures key format.
  assert.equal(scenarios.length, 16);
  assert.deepEqual(scenarios.filter((s) => s.name.startsWith('[7]')).map((s) => s.key), [1, 2, 3, 4].map((i) => `tiny/Tiny.feature:[7] parameters round-trip#${i}`));
  assert.equal(scenarios[0]?.folder, 'tiny');
  const outline = byName('[7]');
  assert.deepEqual(outline.steps[1]?.table, [['p', "'text'"]]);
  assert.match(outline.steps[2]?.docString ?? '', /RETURN \$p AS p/);
});

test('scenarios pass and fail for the right reasons in-process', async () => {
  // Proves each step kind against a toy engine: results, order, side effects, errors, params, procedures, crashes.
  const inProcess = scenarios.filter((s) => !s.name.startsWith('[12]') && !s.name.startsWith('[13]'));
  for (const scenario of inProcess) {
    const outcome = await runScenario(scenario, createToyBackend());
    assert.equal(outcome.passed, EXPECTED_PASS.has(scenario.key), `${scenario.key}: ${outcome.passed ? 'passed' : outcome.message}`);
  }
  const floatVsInt = await runScenario(byName('[2]'), createToyBackend());
  assert.ok(!floatVsInt.passed && /result mismatch/.test(floatVsInt.message));
  const wrongError = await runScenario(byName('[6]'), createToyBackend());
  assert.ok(!wrongError.passed && /ArithmeticError/.test(wrongError.message));
  const crash = await runScenario(byName('[11]'), createToyBackend());
  assert.ok(!crash.passed && /toy crash/.test(crash.message));
});

test('an unknown step fails the scenario instead of being skipped', async () => {
  // Proves the pass rate cannot be inflated by steps the runner does not understand.
  const scenario: TckScenario = { key: 'x', feature: 'x', folder: 'x', name: 'x', steps: [{ text: 'the moon is full' }] };
  const outcome = await runScenario(scenario, createToyBackend());
  assert.ok(!outcome.passed && /unsupported step/.test(outcome.message));
});

test('error types map onto Neo4j status codes', () => {
  // Proves the TCK error names accept the codes Neo4j uses for them, and nothing else.
  assert.ok(errorTypeMatches('SyntaxError', 'compile time', 'Neo.ClientError.Statement.SemanticError'));
  assert.ok(errorTypeMatches('TypeError', 'runtime', 'Neo.ClientError.Statement.TypeError'));
  assert.ok(errorTypeMatches('TypeError', 'compile time', 'Neo.ClientError.Statement.SyntaxError'));
  assert.ok(!errorTypeMatches('TypeError', 'runtime', 'Neo.ClientError.Statement.SyntaxError'));
  assert.ok(errorTypeMatches('ProcedureError', 'compile time', 'Neo.ClientError.Procedure.ProcedureNotFound'));
  assert.ok(errorTypeMatches('ConstraintVerificationFailed', 'runtime', 'Neo.ClientError.Schema.ConstraintValidationFailed'));
  assert.ok(!errorTypeMatches('ArgumentError', 'runtime', 'Neo.ClientError.Statement.TypeError'));
});

test('worker pool survives timeouts and dying workers', async () => {
  // Proves a runaway scenario is cut off at its budget and a killed worker costs one scenario, not the run.
  const outcomes = await runScenariosInWorkers(scenarios, {
    workerUrl: new URL('./fixtures/fake-worker.js', import.meta.url),
    workerData: null,
    workers: 2,
    scenarioBudgetMs: 400,
    startupBudgetMs: 20_000,
    clock: nodeClock,
    ticker: nodeTicker,
  });
  assert.equal(outcomes.size, scenarios.length);
  for (const s of scenarios) assert.equal(outcomes.get(s.key)?.passed, EXPECTED_PASS.has(s.key), s.key);
  const spin = outcomes.get(byName('[12]').key);
  assert.ok(spin && !spin.passed && /timed out after 400 ms/.test(spin.message));
  const killed = outcomes.get(byName('[13]').key);
  assert.ok(killed && !killed.passed && /exited with code 3/.test(killed.message));
});

test('known failures: regressions fail the run, fixed scenarios are listed', () => {
  // Proves the list semantics and that --update-known-failures output parses back.
  const known = parseKnownFailures('# comment\n\na.feature:one\na.feature:two\n');
  const check = checkAgainstKnownFailures(new Map([['a.feature:one', false], ['a.feature:two', true], ['a.feature:three', false]]), known);
  assert.deepEqual(check.regressions, ['a.feature:three']);
  assert.deepEqual(check.nowPassing, ['a.feature:two']);
  assert.deepEqual([...parseKnownFailures(formatKnownFailures(['b:2', 'a:1']))], ['a:1', 'b:2']);
});

test('report tallies folders and ends with the pass-rate line', () => {
  // Proves the summary CI and the README quote.
  const text = formatReport([
    { key: 'a', folder: 'clauses/match', passed: true },
    { key: 'b', folder: 'clauses/match', passed: false },
    { key: 'c', folder: 'expressions/list', passed: true },
  ]);
  assert.match(text, /clauses\/match\s+1\s+1\s+2/);
  assert.match(text, /expressions\/list\s+1\s+0\s+1/);
  assert.ok(text.trimEnd().endsWith('TCK pass rate: 2/3 (66.6%)'));
  assert.match(formatReport(Array.from({ length: 3897 }, (_, i) => ({ key: String(i), folder: 'f', passed: i > 0 }))), /TCK pass rate: 3896\/3897 \(99\.9%\)/);
});

test('the README figure line after the marker is rewritten, nothing else', () => {
  // Proves --update-readme touches exactly one line and leaves a README without the marker alone.
  const readme = 'intro\n<!-- tck-figure -->\nold figure\nrest\n';
  assert.equal(updateReadmeFigure(readme, 3, 4, 2), 'intro\n<!-- tck-figure -->\nLatest full run: **TCK pass rate: 3/4 (75.0%)** (4 scenarios from 2 feature files), strict error checks.\nrest\n');
  assert.equal(updateReadmeFigure('no marker\n', 1, 1, 1), 'no marker\n');
});
