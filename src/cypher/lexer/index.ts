export { tokenize } from './lexer.js';
export type { Token, TokenType } from './tokens.js';
export { positionAt, describePosition, type SourcePosition } from './position.js';
export { compileError, syntaxErrorAt, type CompileError } from './errors.js';
