// Compile-time errors of the Cypher front end. `detail` carries the openCypher TCK error detail
// name (e.g. 'UndefinedVariable') so conformance runs can compare more than the status code.

import { Neo4jError, Status, type StatusCode } from '../../core/errors.js';
import { describePosition } from './position.js';

export type CompileError = Neo4jError & { readonly detail?: string };

export function compileError(code: StatusCode, message: string, detail?: string, openCypherType?: string): CompileError {
  return new Neo4jError(code, message, { ...(detail === undefined ? {} : { detail }), ...(openCypherType === undefined ? {} : { type: openCypherType }) });
}

/** A syntax error located at `offset` of `text`, worded the Neo4j way. */
export function syntaxErrorAt(text: string, offset: number, message: string, detail?: string): CompileError {
  return compileError(Status.SyntaxError, `${message} ${describePosition(text, offset)}`, detail);
}
