// The Cypher AST: immutable, kind-tagged nodes produced by the parser (src/cypher/parser) and
// annotated by semantic analysis (src/cypher/semantic) through side tables.
export * from './common.js';
export * from './expressions.js';
export * from './patterns.js';
export * from './clauses.js';
export * from './statements.js';
export * from './walk.js';
export * from './print.js';
