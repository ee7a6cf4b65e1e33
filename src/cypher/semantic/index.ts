// Semantic analysis entry point: Statement → AnalyzedStatement, or a Neo4jError (mostly
// Status.SyntaxError, as Neo4j reports semantic problems) carrying a TCK `detail` name.
//
// What a successful analysis guarantees the planner:
//   - every variable reference is bound (scopes per clause in `clauses`, kinds node/relationship/
//     relationshipList/path/value); WITH … WHERE may also read the variables from before the WITH;
//   - pattern binding rules hold (no rebinding in CREATE/MERGE, one type and a direction per
//     created relationship, no variable length in CREATE/MERGE, no parameter maps in MATCH/MERGE);
//   - aggregates appear only in WITH/RETURN items and ORDER BY of aggregating projections, never
//     nested; non-aggregated parts of aggregating items are grouping keys;
//   - columns follow Neo4j naming (`RETURN *` sorted, without parser-made hidden names);
//   - clause order is valid (RETURN last, WITH between an update and MATCH, a query ends with
//     RETURN / an update / a unit subquery / a procedure call, or FINISH).
// Literal-level type errors are reported (NOT 1, 1 IN 2, 'a' % 2, length(node), …); other type
// errors are the runtime's. With AnalyzeOptions it also checks procedure calls and function names.

import type { QueryType } from '../../execution/api.js';
import type { Statement } from '../ast/index.js';
import { Analyzer } from './analyzer.js';
import { Scope } from './scope.js';
import type { AnalyzeOptions, AnalyzedStatement } from './types.js';

export type { AnalyzeOptions, AnalyzedStatement, ClauseInfo, ProjectionInfo, VariableKind, VariableScope } from './types.js';
export { AGGREGATE_FUNCTIONS, isAggregateCall } from './expressions.js';

export function analyze(statement: Statement, options: AnalyzeOptions = {}): AnalyzedStatement {
  const a = new Analyzer(statement.text, options);
  const body = statement.body;
  let columns: string[] = [];
  let queryType: QueryType;
  switch (body.kind) {
    case 'SingleQuery':
    case 'UnionQuery': {
      columns = a.analyzeQuery(body, Scope.empty(), 'top').columns;
      if (a.standaloneCallColumns !== null) columns = [...a.standaloneCallColumns];
      queryType = a.schemaProcedure ? 's' : a.updates ? (columns.length > 0 || a.reads ? 'rw' : 'w') : 'r';
      break;
    }
    case 'Show':
      queryType = 'r';
      break;
    default:
      queryType = 's';
      break;
  }
  return {
    statement,
    queryType,
    columns,
    clauses: a.clauses,
    projections: a.projections,
    aggregates: a.aggregates,
    parameters: a.parameters,
  };
}
