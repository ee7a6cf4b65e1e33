// A cursor over a result computed whole, for test doubles and small fixed answers.

import type { QueryCursor, QueryResult } from './api.js';

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
