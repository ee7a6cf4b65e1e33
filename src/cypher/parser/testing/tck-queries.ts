// Test support: every Cypher query of the openCypher TCK features (outlines expanded), with the
// compile-time error a scenario expects, if any. Reads the features from the shared folder.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { AstBuilder, compile, GherkinClassicTokenMatcher, Parser } from '@cucumber/gherkin';
import { IdGenerator } from '@cucumber/messages';

export const TCK_FEATURES_DIR = '/work/shared/tck/features';

export interface TckQuery {
  /** Feature file path relative to the features folder, plus the scenario name. */
  readonly where: string;
  readonly query: string;
  /** 'setup' for `having executed`, 'query' for `executing query` / `executing control query`. */
  readonly role: 'setup' | 'query';
  /** For role 'query': e.g. { type: 'SyntaxError', phase: 'compile time', detail: 'UndefinedVariable' }. */
  readonly expectedError: { readonly type: string; readonly phase: string; readonly detail: string } | null;
  /** Signatures from `there exists a procedure …` steps, e.g. 'test.labels() :: (label :: STRING?)'. */
  readonly procedures: readonly string[];
}

/** A procedure signature parsed from TCK text (enough for compile-time checks). */
export interface TckProcedure {
  readonly name: string;
  readonly inputs: readonly { readonly name: string; readonly type: string }[];
  readonly outputs: readonly { readonly name: string; readonly type: string }[];
}

export function parseTckProcedure(signature: string): TckProcedure {
  const m = /^([\w.]+)\((.*?)\)\s*::\s*\((.*)\)\s*$/.exec(signature.trim());
  if (!m) throw new Error(`unparseable TCK procedure signature: ${signature}`);
  const fields = (list: string) => list.split(',').map((f) => f.trim()).filter(Boolean).map((f) => {
    const [name, type] = f.split('::').map((x) => x.trim());
    return { name: name!, type: type ?? 'ANY?' };
  });
  return { name: m[1]!, inputs: fields(m[2]!), outputs: fields(m[3]!) };
}

function collectFeatures(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collectFeatures(path, out);
    else if (name.endsWith('.feature')) out.push(path);
  }
  return out;
}

const ERROR_STEP = /^an? (\w+) should be raised at (compile time|runtime|any time): (\w+)/;

export function loadTckQueries(dir = TCK_FEATURES_DIR): TckQuery[] {
  const out: TckQuery[] = [];
  const newId = IdGenerator.incrementing();
  for (const file of collectFeatures(dir, [])) {
    const parser = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher());
    const doc = parser.parse(readFileSync(file, 'utf8'));
    const pickles = compile(doc, file, newId);
    for (const pickle of pickles) {
      const where = `${relative(dir, file)}: ${pickle.name}`;
      let error: TckQuery['expectedError'] = null;
      const procedures: string[] = [];
      for (const step of pickle.steps) {
        const m = ERROR_STEP.exec(step.text);
        if (m) error = { type: m[1]!, phase: m[2]!, detail: m[3]! };
        const p = /^there exists a procedure (.*?)\s*:$/.exec(step.text);
        if (p) procedures.push(p[1]!);
      }
      for (const step of pickle.steps) {
        const doc = step.argument?.docString?.content;
        if (doc === undefined) continue;
        if (/^having executed/.test(step.text)) out.push({ where, query: doc, role: 'setup', expectedError: null, procedures });
        else if (/^executing (control )?query/.test(step.text)) out.push({ where, query: doc, role: 'query', expectedError: error, procedures });
      }
    }
  }
  return out;
}
