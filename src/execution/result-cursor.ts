// Between cursors and whole results: draining a cursor into a result (execute() is open and
// drain), and a cursor over a result computed whole (test doubles, small fixed answers).

import type { CypherValue } from '../values/value.js';
import type { QueryCursor, QueryResult } from './api.js';

/** Pulls every record of `cursor`; the result `QueryExecutor.execute` returns. */
export async function drainCursor(cursor: QueryCursor): Promise<QueryResult> {
  const records: CypherValue[][] = [];
  await cursor.pull(Number.POSITIVE_INFINITY, (values) => records.push(values));
  return { columns: cursor.columns, records, counters: cursor.counters(), queryType: cursor.queryType };
}

/** A cursor over a result computed whole (test doubles, small fixed answers). */
export function cursorOverResult(result: QueryResult): QueryCursor {
  let next = 0;
  let closed = false;
  return {
    columns: result.columns,
    queryType: result.queryType,
    get done() { return closed || next >= result.records.length; },
    prime: () => Promise.resolve(),
    pull(max, onRecord) {
      while (!closed && next < result.records.length && max-- > 0) onRecord([...result.records[next++]!]);
      return Promise.resolve(closed || next >= result.records.length);
    },
    counters: () => result.counters,
    close() { closed = true; },
    interrupt() { closed = true; },
    allocatedBytes: () => 0,
  };
}
