// PROFILE's measurements: the rows each clause stage passes on and the store reads ("db hits")
// made while that stage was the one pulling. Reads are counted by a view of the transaction
// that counts every read call and every item a store iterator hands out; a stack of the stages
// being pulled attributes each read to the innermost one.

import type { Clause } from '../ast/index.js';
import type { GraphTx } from '../../graph/api.js';
import type { ProfileCounts } from '../planner/describe.js';
import { isControl, type Row } from './context.js';

/** Transaction calls that are bookkeeping, not store reads or writes. */
const NOT_HITS = new Set<string | symbol>([
  'savepoint', 'rollbackToSavepoint', 'releaseSavepoint', 'hasChanges', 'commit', 'rollback', 'terminate', 'waitingOn', 'blockedBy',
  'trackMemory', 'labels', 'relationshipTypes', 'propertyKeys', 'indexes', 'constraints', 'hasNodeIndex', 'hasRelIndex', 'isNodeDeleted',
  'isRelationshipDeleted', 'lockUniqueKeys', 'constructor',
]);

export class StatementProfiler implements ProfileCounts {
  readonly clauses = new Map<Clause, { rows: number; dbHits: number }>();
  records = 0;
  private readonly stack: Clause[] = [];

  private entry(clause: Clause): { rows: number; dbHits: number } {
    let e = this.clauses.get(clause);
    if (!e) { e = { rows: 0, dbHits: 0 }; this.clauses.set(clause, e); }
    return e;
  }

  hit(n = 1): void {
    const current = this.stack[this.stack.length - 1];
    if (current !== undefined) this.entry(current).dbHits += n;
  }

  /** The rows of `clause`'s last stage, counted, with reads made while pulling them charged to it. */
  *measure(clause: Clause, rows: Iterable<Row>): Generator<Row, void, undefined> {
    const entry = this.entry(clause);
    const it = rows[Symbol.iterator]();
    let finished = false;
    try {
      for (;;) {
        this.stack.push(clause);
        let step: IteratorResult<Row>;
        try {
          step = it.next();
        } finally {
          this.stack.pop();
        }
        if (step.done) { finished = true; return; }
        if (!isControl(step.value)) entry.rows++;
        yield step.value;
      }
    } finally {
      if (!finished) it.return?.();
    }
  }

  /** `tx` as the statement sees it under PROFILE: the same transaction, its reads and writes counted. */
  countingView(tx: GraphTx): GraphTx {
    const profiler = this;
    const countItems = function* (items: Iterable<unknown>): Generator<unknown> {
      for (const item of items) { profiler.hit(); yield item; }
    };
    return new Proxy(tx, {
      get(target, property) {
        const value = Reflect.get(target, property, target) as unknown;
        if (typeof value !== 'function' || NOT_HITS.has(property)) return typeof value === 'function' ? value.bind(target) : value;
        return (...args: unknown[]) => {
          profiler.hit();
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (result !== null && typeof result === 'object' && !Array.isArray(result) && !(result instanceof Map) && !(result instanceof Set) &&
            typeof (result as Iterable<unknown>)[Symbol.iterator] === 'function') {
            return countItems(result as Iterable<unknown>);
          }
          return result;
        };
      },
    });
  }
}
