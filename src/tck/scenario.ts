// Runs one TCK scenario against a fresh store and engine. Each step is matched by its text; an
// unknown step fails the scenario rather than being skipped, so the pass rate never flatters.

import { openCypherTypeOf } from '../core/errors.js';
import type { QueryExecutor, QueryResult } from '../execution/api.js';
import { drainCursor } from '../execution/result-cursor.js';
import type { CypherValue } from '../values/value.js';
import type { GraphDatabase } from '../graph/api.js';
import type { TckScenario, TckStep } from './features.js';
import { parseProcedureStep } from './procedures.js';
import { diffGraphStates, snapshotGraph, type GraphState, type SideEffects, SIDE_EFFECT_KEYS } from './side-effects.js';
import { describeCypherValue, parseTckValue, rowsMatch, tckValueToCypher, type CompareOptions, type TckValue } from './values.js';

export interface TckBackend {
  createDatabase(): GraphDatabase | Promise<GraphDatabase>;
  createExecutor(): QueryExecutor;
  /** the Cypher script that builds a named graph (`the binary-tree-1 graph`) */
  graphScript(name: string): string | undefined;
  /** how the engine's toString renders a value; lets temporal results compare with TCK strings */
  stringify?(value: CypherValue): string | undefined;
  /** called after the scenario's database is closed (durable stores remove their directory) */
  afterScenario?(): void | Promise<void>;
  /**
   * Strict error checks: the error type exactly (no SyntaxError / SemanticError interchange), the
   * detail whenever the scenario names one, and the phase (compile time: the statement failed
   * before its first row was asked for; runtime: while rows were pulled).
   */
  readonly strict?: boolean;
}

export type ScenarioOutcome = { readonly passed: true } | { readonly passed: false; readonly message: string };

class StepFailure extends Error {}

interface Outcome {
  readonly result?: QueryResult;
  readonly error?: unknown;
  /** where the error arose: before the first row was asked for, or while rows were pulled */
  readonly phase?: 'compile time' | 'runtime';
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : `${error.name}: ${error.message}`;
  }
  return String(error);
}

/**
 * The strict rule: the error's openCypher type (`openCypherTypeOf`: the type the engine attached,
 * else the status code's title, `ProcedureError` for procedure codes) is the type the scenario names.
 */
export function errorTypeMatchesStrictly(expectedType: string, error: { readonly code: string; readonly openCypherType?: string }): boolean {
  return openCypherTypeOf(error) === expectedType;
}

/** Which Neo4j status codes count as the error type a TCK scenario names. */
export function errorTypeMatches(expectedType: string, phase: string, code: string): boolean {
  const parts = code.split('.');
  const last = parts[parts.length - 1] ?? '';
  const category = parts[2] ?? '';
  switch (expectedType) {
    case 'SyntaxError':
    case 'SemanticError':
      return last === 'SyntaxError' || last === 'SemanticError';
    case 'TypeError':
      return last === 'TypeError' || (phase === 'compile time' && (last === 'SyntaxError' || last === 'SemanticError'));
    case 'ProcedureError':
      return category === 'Procedure';
    case 'ConstraintVerificationFailed':
      return last === 'ConstraintValidationFailed' || last === 'ConstraintVerificationFailed';
    default:
      return last === expectedType;
  }
}

class ScenarioRun {
  private params = new Map<string, CypherValue>();
  private last: Outcome | undefined;
  private before: GraphState | undefined;
  private after: GraphState | undefined;
  /** set once an expected error was confirmed, so a later side-effects step may still run */
  private errorExpected = false;

  constructor(
    private readonly db: GraphDatabase,
    private readonly executor: QueryExecutor,
    private readonly backend: TckBackend,
  ) {}

  /** the phase of the last statement's failure */
  private failedAt: 'compile time' | 'runtime' = 'runtime';

  private async execute(text: string): Promise<QueryResult> {
    const tx = this.db.begin();
    let result: QueryResult;
    this.failedAt = 'compile time';
    try {
      // every statement is an auto-commit (implicit) transaction
      const cursor = await this.executor.open(tx, text, this.params, { implicit: true, beginInner: () => this.db.begin() });
      this.failedAt = 'runtime';
      result = await drainCursor(cursor);
    } catch (error) {
      try { tx.rollback(); } catch { /* the engine may already have closed it */ }
      throw error;
    }
    await tx.commit();
    return result;
  }

  private async run(text: string, trackSideEffects: boolean): Promise<void> {
    if (trackSideEffects) this.before = await snapshotGraph(this.db);
    this.errorExpected = false;
    try {
      this.last = { result: await this.execute(text) };
    } catch (error) {
      this.last = { error, phase: this.failedAt };
    }
    if (trackSideEffects) this.after = await snapshotGraph(this.db);
  }

  private requireResult(): QueryResult {
    if (this.last === undefined) throw new StepFailure('no query was executed before the result check');
    if (this.last.error !== undefined) throw new StepFailure(`query failed: ${errorText(this.last.error)}`);
    return this.last.result as QueryResult;
  }

  private compareOptions(ignoreListOrder: boolean): CompareOptions {
    const stringify = this.backend.stringify?.bind(this.backend);
    return { ignoreListOrder, ...(stringify === undefined ? {} : { stringify }) };
  }

  async step(step: TckStep): Promise<void> {
    const text = step.text.trim();
    let m: RegExpExecArray | null;
    if (text === 'an empty graph' || text === 'any graph') return;
    if ((m = /^the (\S+) graph$/.exec(text)) !== null) {
      const script = this.backend.graphScript(m[1] as string);
      if (script === undefined) throw new StepFailure(`unknown named graph ${m[1]}`);
      await this.setup(script);
      return;
    }
    if (text === 'having executed:') {
      await this.setup(this.docString(step));
      return;
    }
    if (text === 'parameters are:') {
      for (const row of step.table ?? []) {
        const [name, value] = row;
        if (name === undefined || value === undefined) throw new StepFailure('a parameter row needs a name and a value');
        this.params.set(name, tckValueToCypher(parseTckValue(value)));
      }
      return;
    }
    if (text.startsWith('there exists a procedure ')) {
      this.executor.registerProcedure(parseProcedureStep(text, step.table ?? []));
      return;
    }
    if (text === 'executing query:') return this.run(this.docString(step), true);
    if (text === 'executing control query:') return this.run(this.docString(step), false);
    if (text === 'the result should be empty') {
      const result = this.requireResult();
      if (result.records.length !== 0) throw new StepFailure(`expected no rows but got ${result.records.length}: ${this.describeRows(result)}`);
      return;
    }
    if ((m = /^the result should be(?:, in (any order|order))?(?: \(ignoring element order for lists\))?:$/.exec(text)) !== null) {
      this.checkResult(step, m[1] === 'order', text.includes('ignoring element order for lists'));
      return;
    }
    if (text === 'the side effects should be:') {
      const expected: Partial<Record<string, number>> = {};
      for (const [key, count] of step.table ?? []) expected[(key ?? '').trim()] = Number(count);
      this.checkSideEffects(expected);
      return;
    }
    if (text === 'no side effects') {
      this.checkSideEffects({});
      return;
    }
    if ((m = /^an? (\w+) should be raised at (compile time|runtime|any time): ?(.*)$/.exec(text)) !== null) {
      this.checkError(m[1] as string, m[2] as string, (m[3] ?? '').trim());
      return;
    }
    throw new StepFailure(`unsupported step: ${text}`);
  }

  private docString(step: TckStep): string {
    if (step.docString === undefined) throw new StepFailure(`step "${step.text}" needs a query`);
    return step.docString;
  }

  private async setup(query: string): Promise<void> {
    try {
      await this.execute(query);
    } catch (error) {
      throw new StepFailure(`setup query failed: ${errorText(error)}`);
    }
  }

  private describeRows(result: QueryResult): string {
    const rows = result.records.slice(0, 10).map((r) => `| ${r.map(describeCypherValue).join(' | ')} |`);
    return `columns [${result.columns.join(', ')}]\n${rows.join('\n')}${result.records.length > 10 ? `\n… ${result.records.length - 10} more` : ''}`;
  }

  private checkResult(step: TckStep, ordered: boolean, ignoreListOrder: boolean): void {
    const result = this.requireResult();
    const table = step.table ?? [];
    const header = table[0] ?? [];
    const expectedRows: TckValue[][] = table.slice(1).map((row) => row.map((cell) => parseTckValue(cell)));
    const columnIndex = header.map((name) => result.columns.indexOf(name));
    if (columnIndex.some((i) => i < 0) || header.length !== result.columns.length) {
      throw new StepFailure(`expected columns [${header.join(', ')}] but got [${result.columns.join(', ')}]`);
    }
    const actualRows = result.records.map((record) => columnIndex.map((i) => record[i] as CypherValue));
    if (!rowsMatch(actualRows, expectedRows, ordered, this.compareOptions(ignoreListOrder))) {
      const expected = table.slice(1).map((row) => `| ${row.join(' | ')} |`).join('\n');
      throw new StepFailure(`result mismatch (${ordered ? 'in order' : 'any order'})\nexpected:\n${expected}\nactual: ${this.describeRows(result)}`);
    }
  }

  private checkSideEffects(expected: Partial<Record<string, number>>): void {
    const outcome = this.last;
    if (outcome?.error !== undefined && !this.errorExpected) throw new StepFailure(`query failed: ${errorText(outcome.error)}`);
    if (this.before === undefined || this.after === undefined) throw new StepFailure('side effects checked without an executed query');
    const actual: SideEffects = diffGraphStates(this.before, this.after);
    const wrong = SIDE_EFFECT_KEYS.filter((k) => (expected[k] ?? 0) !== actual[k]);
    if (wrong.length > 0) {
      throw new StepFailure(`side effects differ: ${wrong.map((k) => `${k} expected ${expected[k] ?? 0} got ${actual[k]}`).join(', ')}`);
    }
  }

  private checkError(type: string, phase: string, detail: string): void {
    const outcome = this.last;
    if (outcome === undefined) throw new StepFailure('no query was executed before the error check');
    if (outcome.error === undefined) {
      throw new StepFailure(`expected ${type} (${detail}) but the query succeeded with ${outcome.result?.records.length ?? 0} rows`);
    }
    const error = outcome.error as { code?: unknown; detail?: unknown; openCypherType?: string };
    if (typeof error.code !== 'string') throw new StepFailure(`expected ${type} (${detail}) but the engine crashed: ${errorText(outcome.error)}`);
    if (this.backend.strict === true) {
      if (!errorTypeMatchesStrictly(type, { code: error.code, ...(error.openCypherType === undefined ? {} : { openCypherType: error.openCypherType }) })) throw new StepFailure(`strict: expected ${type} (${detail}) but got ${errorText(outcome.error)}`);
      // `*` in a scenario means any detail
      if (detail !== '' && detail !== '*' && error.detail !== detail) {
        throw new StepFailure(`strict: expected detail ${detail} but got ${typeof error.detail === 'string' ? error.detail : 'none'}: ${errorText(outcome.error)}`);
      }
      if (phase !== 'any time' && outcome.phase !== phase) throw new StepFailure(`strict: expected ${type} at ${phase} but it was raised at ${outcome.phase}: ${errorText(outcome.error)}`);
      this.errorExpected = true;
      return;
    }
    if (!errorTypeMatches(type, phase, error.code)) {
      throw new StepFailure(`expected ${type} (${detail}) but got ${errorText(outcome.error)}`);
    }
    if (typeof error.detail === 'string' && detail !== '' && detail !== '*' && error.detail !== detail) {
      throw new StepFailure(`expected ${type} with detail ${detail} but got detail ${error.detail}: ${errorText(outcome.error)}`);
    }
    this.errorExpected = true;
  }
}

export async function runScenario(scenario: TckScenario, backend: TckBackend): Promise<ScenarioOutcome> {
  let db: GraphDatabase | undefined;
  try {
    db = await backend.createDatabase();
    const run = new ScenarioRun(db, backend.createExecutor(), backend);
    for (const step of scenario.steps) await run.step(step);
    return { passed: true };
  } catch (error) {
    const message = error instanceof StepFailure ? error.message : `crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    return { passed: false, message };
  } finally {
    if (db !== undefined) await db.close().catch(() => undefined);
    // Cleanup trouble (a scratch directory still busy) says nothing about the scenario.
    try { await backend.afterScenario?.(); } catch { /* the run's scratch root is removed at the end */ }
  }
}
