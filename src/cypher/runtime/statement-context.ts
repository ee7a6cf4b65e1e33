// The ExecContext of one statement run, as a class.
//
// It was an object literal with two getters. V8 keeps an object literal's accessors in its hidden
// class, so each literal with fresh getter closures got a hidden class of its own, allocated in
// old space. Those dead hidden classes pointed at young closures, and through them at the whole
// statement: every statement's context, transaction state and cursor survived the young
// generation's collections and was promoted (about 6 KB per statement, a major share of GC time
// under load). On a class the getters live once, on the prototype.

import type { StatementProfiler } from './profile.js';
import type { Scheduler } from '../../env/scheduler.js';
import type { GraphTx, UpdateCounters } from '../../graph/api.js';
import type { CsvImportSource, ProcedureContext, ProcedureSignature, StatementTransaction } from '../../execution/api.js';
import type { CypherValue } from '../../values/value.js';
import type { ExecContext } from './context.js';
import type { StatementMemory } from './memory.js';

export interface StatementContextInit {
  readonly tx: GraphTx;
  readonly params: ReadonlyMap<string, CypherValue>;
  readonly readOnlyStatement: boolean;
  readonly transaction: StatementTransaction;
  readonly scheduler: Scheduler;
  readonly procedures: ReadonlyMap<string, ProcedureSignature>;
  readonly memory: StatementMemory;
  readonly nowMs: () => number;
  readonly random: () => number;
  readonly innerCounters: UpdateCounters;
  readonly profiler: StatementProfiler | undefined;
  readonly csvImport: CsvImportSource | undefined;
  readonly procedureContext: ProcedureContext | undefined;
  readonly runNestedSync: ExecContext['runNestedSync'];
}

export class StatementContext implements ExecContext {
  tx: GraphTx;
  readonly transaction: StatementTransaction;
  activeInner: GraphTx | undefined = undefined;
  readonly innerCounters: UpdateCounters;
  readonly params: ReadonlyMap<string, CypherValue>;
  readonly procedures: ReadonlyMap<string, ProcedureSignature>;
  steps = 0;
  nextCheckAt = 0;
  readonly readOnlyStatement: boolean;
  readonly scheduler: Scheduler;
  sliceEndMs = 0;
  yieldNow = false;
  syncDepth = 0;
  interrupt: Error | undefined = undefined;
  readonly memory: StatementMemory;
  readonly procedureContext: ProcedureContext | undefined;
  readonly csvImport: CsvImportSource | undefined;
  readonly profiler: StatementProfiler | undefined;
  readonly runNestedSync: ExecContext['runNestedSync'];
  readonly random: () => number;
  private readonly nowMs: () => number;
  private timeMs: number | null = null;

  constructor(init: StatementContextInit) {
    this.tx = init.tx;
    this.transaction = init.transaction;
    this.innerCounters = init.innerCounters;
    this.params = init.params;
    this.procedures = init.procedures;
    this.readOnlyStatement = init.readOnlyStatement;
    this.scheduler = init.scheduler;
    this.memory = init.memory;
    this.procedureContext = init.procedureContext;
    this.csvImport = init.csvImport;
    this.profiler = init.profiler;
    this.runNestedSync = init.runNestedSync;
    this.random = init.random;
    this.nowMs = init.nowMs;
  }

  /** Reads follow `tx`, which a batch of CALL { … } IN TRANSACTIONS points at its inner transaction. */
  get graph(): GraphTx {
    return this.tx;
  }

  /** The clock is read once, on first use, and every later read in the statement sees that value. */
  get statementTimeMs(): number {
    if (this.timeMs === null) this.timeMs = this.nowMs();
    return this.timeMs;
  }
}
