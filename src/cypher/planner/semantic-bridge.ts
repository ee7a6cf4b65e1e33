// Semantic analysis hook: runs the analyser (scope, aggregation and procedure checks) with the
// engine's procedure registry and function library, before planning.

import type { ProcedureSignature } from '../../execution/api.js';
import type { Statement } from '../ast/index.js';
import { lookupAggregate, lookupScalar } from '../functions/index.js';
import { analyze } from '../semantic/index.js';
import type { AnalyzedStatement } from '../semantic/types.js';

export function analyzeStatement(statement: Statement, procedures: ReadonlyMap<string, ProcedureSignature>): AnalyzedStatement {
  return analyze(statement, {
    lookupProcedure: (name) => procedures.get(name) ?? procedures.get(name.toLowerCase()),
    isKnownFunction: (name) => lookupScalar(name) !== undefined || lookupAggregate(name) !== undefined,
    // The runtime groups by map projection subjects and keeps scoped CALL imports in its rows.
    implicitGroupingKeys: true,
    persistentSubqueryImports: true,
  });
}
