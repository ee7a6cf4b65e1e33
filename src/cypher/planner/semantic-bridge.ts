// Semantic analysis hook: the planner works without it (it tracks scope itself) and uses the
// analyser's tables and errors when that module is available.

import type { Statement } from '../ast/index.js';
import type { AnalyzedStatement } from '../semantic/types.js';

export function analyzeStatement(_statement: Statement): AnalyzedStatement | null {
  return null;
}
