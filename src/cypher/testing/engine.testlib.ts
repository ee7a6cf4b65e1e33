// Shared set-up for the Cypher engine's end-to-end tests: one statement per transaction on an
// in-memory graph, and the classic movies script from the shared datasets folder.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { GraphDatabase } from '../../graph/api.js';
import { createMemoryDatabase } from '../../graph/memory.js';
import type { QueryResult } from '../../execution/api.js';
import { CypherEngine } from '../query.js';
import type { CypherValue } from '../../values/value.js';

// The movies dataset has no licence, so it is read from the shared folder, never copied here.
// dist-x/src/cypher/testing/engine.testlib.js → the folder above the repository is five up.
export const MOVIES_PATH = fileURLToPath(new URL('../../../../../shared/datasets/movies.cypher', import.meta.url));

/** The movies script's statements; none when the dataset is missing. */
export function moviesStatements(): string[] {
  if (!existsSync(MOVIES_PATH)) return [];
  return readFileSync(MOVIES_PATH, 'utf8').split(';').map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Runs one statement in its own transaction: committed when it succeeds, rolled back when it throws. */
export async function runInTx(
  db: GraphDatabase, engine: CypherEngine, text: string, params: Record<string, CypherValue> = {},
): Promise<QueryResult> {
  const tx = db.begin();
  try {
    const result = await engine.execute(tx, text, new Map(Object.entries(params)));
    await tx.commit();
    return result;
  } catch (e) {
    tx.rollback();
    throw e;
  }
}

export type RecordsQuery = (text: string, params?: Record<string, CypherValue>) => Promise<QueryResult['records']>;

/** A fresh in-memory graph with the set-up statements run; the query function returns records. */
export async function engineWith(setup: readonly string[]): Promise<RecordsQuery> {
  const db = createMemoryDatabase();
  const engine = new CypherEngine();
  const q: RecordsQuery = async (text, params = {}) => (await runInTx(db, engine, text, params)).records;
  for (const s of setup) await q(s);
  return q;
}
