// Semantic analysis entry point: Statement → AnalyzedStatement, or a Neo4jError (mostly
// Status.SyntaxError, as Neo4j reports semantic problems) carrying a TCK `detail` name.

import type { QueryType } from '../api.js';
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
