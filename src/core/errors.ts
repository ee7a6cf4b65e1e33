// Neo4j status-coded errors. Expected conditions travel as these and reach the client intact;
// broken invariants use assert() and crash loudly instead.

export type StatusCode = `Neo.${'ClientError' | 'TransientError' | 'DatabaseError' | 'ClientNotification'}.${string}.${string}`;

/**
 * How openCypher classifies an error, beside the Neo4j status code that travels on the wire. Neo4j
 * reports some conditions under another status than the openCypher TCK names (a compile-time type
 * mismatch is a `Neo.ClientError.Statement.SyntaxError` in Neo4j but a `TypeError` in the TCK):
 * drivers keep seeing Neo4j's code, conformance runs compare this.
 */
export interface OpenCypherClass {
  /** the TCK error detail (`UndefinedVariable`, `InvalidArgumentType`, …) */
  readonly detail?: string;
  /** the TCK error type when it is not the status code's title (`TypeError`, `ConstraintVerificationFailed`) */
  readonly type?: string;
}

export class Neo4jError extends Error {
  readonly code: StatusCode;
  /** the openCypher TCK detail this error stands for, when known */
  readonly detail?: string;
  /** the openCypher TCK error type, when it differs from the status code's title */
  readonly openCypherType?: string;
  constructor(code: StatusCode, message: string, openCypher: OpenCypherClass = {}) {
    super(message);
    this.name = 'Neo4jError';
    this.code = code;
    if (openCypher.detail !== undefined) this.detail = openCypher.detail;
    if (openCypher.type !== undefined) this.openCypherType = openCypher.type;
  }
}

/**
 * The openCypher error type of an error with a status code: its own `openCypherType`, else
 * `ProcedureError` for any `Neo.*.Procedure.*` code, else the code's title.
 */
export function openCypherTypeOf(error: { readonly code: string; readonly openCypherType?: string }): string {
  if (error.openCypherType !== undefined) return error.openCypherType;
  const parts = error.code.split('.');
  if (parts[2] === 'Procedure') return 'ProcedureError';
  return parts[parts.length - 1] ?? '';
}

export const Status = {
  SyntaxError: 'Neo.ClientError.Statement.SyntaxError',
  SemanticError: 'Neo.ClientError.Statement.SemanticError',
  ParameterMissing: 'Neo.ClientError.Statement.ParameterMissing',
  TypeError: 'Neo.ClientError.Statement.TypeError',
  ArgumentError: 'Neo.ClientError.Statement.ArgumentError',
  ArithmeticError: 'Neo.ClientError.Statement.ArithmeticError',
  EntityNotFound: 'Neo.ClientError.Statement.EntityNotFound',
  FeatureNotSupported: 'Neo.ClientError.Statement.FeatureNotSupported',
  /** LOAD CSV could not read its resource (refused URL, missing file, malformed CSV) */
  ExternalResourceFailed: 'Neo.ClientError.Statement.ExternalResourceFailed',
  ConstraintValidationFailed: 'Neo.ClientError.Schema.ConstraintValidationFailed',
  ConstraintAlreadyExists: 'Neo.ClientError.Schema.ConstraintAlreadyExists',
  EquivalentSchemaRuleAlreadyExists: 'Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists',
  IndexAlreadyExists: 'Neo.ClientError.Schema.IndexAlreadyExists',
  IndexNotFound: 'Neo.ClientError.Schema.IndexNotFound',
  ConstraintNotFound: 'Neo.ClientError.Schema.ConstraintNotFound',
  ConstraintDropFailed: 'Neo.ClientError.Schema.ConstraintDropFailed',
  DeleteConnectedNode: 'Neo.ClientError.Schema.ConstraintValidationFailed',
  ProcedureNotFound: 'Neo.ClientError.Procedure.ProcedureNotFound',
  ProcedureCallFailed: 'Neo.ClientError.Procedure.ProcedureCallFailed',
  /** db.awaitIndex: the index did not come online in time */
  ProcedureTimedOut: 'Neo.ClientError.Procedure.ProcedureTimedOut',
  /** an index's population failed (it is FAILED in SHOW INDEXES) */
  IndexCreationFailed: 'Neo.DatabaseError.Schema.IndexCreationFailed',
  Unauthorized: 'Neo.ClientError.Security.Unauthorized',
  AuthenticationRateLimit: 'Neo.ClientError.Security.AuthenticationRateLimit',
  CredentialsExpired: 'Neo.ClientError.Security.CredentialsExpired',
  Forbidden: 'Neo.ClientError.Security.Forbidden',
  /** a security command's argument is wrong: a short password, an unknown user or role */
  InvalidArguments: 'Neo.ClientError.General.InvalidArguments',
  /** a data statement sent to the system database */
  NotSystemDatabaseError: 'Neo.ClientError.Statement.NotSystemDatabaseError',
  ProtocolViolation: 'Neo.ClientError.Request.Invalid',
  InvalidFormat: 'Neo.ClientError.Request.InvalidFormat',
  DatabaseNotFound: 'Neo.ClientError.Database.DatabaseNotFound',
  /** CREATE DATABASE / CREATE ALIAS with a name in use */
  ExistingDatabaseFound: 'Neo.ClientError.Database.ExistingDatabaseFound',
  /** an administration command this server cannot run (Neo4j Community answers it for CREATE DATABASE) */
  UnsupportedAdministrationCommand: 'Neo.ClientError.Statement.UnsupportedAdministrationCommand',
  /** dropping or stopping the system database, an alias of an alias */
  NotAllowed: 'Neo.ClientError.Statement.NotAllowed',
  TransactionNotFound: 'Neo.ClientError.Transaction.TransactionNotFound',
  TransactionAccessedConcurrently: 'Neo.ClientError.Transaction.TransactionAccessedConcurrently',
  InvalidBookmark: 'Neo.ClientError.Transaction.InvalidBookmark',
  ForbiddenDueToTransactionType: 'Neo.ClientError.Transaction.ForbiddenDueToTransactionType',
  /** a write in a READ access-mode transaction (Neo4j 4+; 3.5 answered ForbiddenDueToTransactionType) */
  AccessMode: 'Neo.ClientError.Statement.AccessMode',
  TransactionTimedOut: 'Neo.ClientError.Transaction.TransactionTimedOut',
  TransactionTimedOutClientConfiguration: 'Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration',
  NotALeader: 'Neo.ClientError.Cluster.NotALeader',
  DeadlockDetected: 'Neo.TransientError.Transaction.DeadlockDetected',
  LockAcquisitionTimeout: 'Neo.TransientError.Transaction.LockAcquisitionTimeout',
  BookmarkTimeout: 'Neo.TransientError.Transaction.BookmarkTimeout',
  Terminated: 'Neo.TransientError.Transaction.Terminated',
  ReplicationFailure: 'Neo.TransientError.Cluster.ReplicationFailure',
  DatabaseUnavailable: 'Neo.TransientError.General.DatabaseUnavailable',
  TransactionStartFailed: 'Neo.DatabaseError.Transaction.TransactionStartFailed',
  ExecutionFailed: 'Neo.DatabaseError.Statement.ExecutionFailed',
  /** db.memory.transaction.max: one transaction wanted more than its limit */
  TransactionOutOfMemoryError: 'Neo.ClientError.General.TransactionOutOfMemoryError',
  /** dbms.memory.transaction.total.max (or a database's pool): all transactions together are at the limit; a query worker out of heap */
  MemoryPoolOutOfMemoryError: 'Neo.TransientError.General.MemoryPoolOutOfMemoryError',
  UnknownError: 'Neo.DatabaseError.General.UnknownError',
  StorageFailure: 'Neo.DatabaseError.General.StorageDamageDetected',
} as const satisfies Record<string, StatusCode>;

/** An error with the openCypher TCK detail it stands for (`InvalidArgumentType`, `NumberOutOfRange`, …). */
export function detailedError(code: StatusCode, message: string, detail: string, openCypherType?: string): Neo4jError & { readonly detail: string } {
  return new Neo4jError(code, message, openCypherType === undefined ? { detail } : { detail, type: openCypherType }) as Neo4jError & { readonly detail: string };
}

/** A node or relationship read after this transaction deleted it. */
export function deletedEntityError(kind: 'Node' | 'Relationship', id: number | string): Neo4jError {
  return new Neo4jError(Status.EntityNotFound, `${kind} with id ${id} has been deleted in this transaction`, { detail: 'DeletedEntityAccess' });
}

/** A statement names parameters the request did not supply. */
export function missingParameterError(names: readonly string[]): Neo4jError {
  return new Neo4jError(Status.ParameterMissing, `Expected parameter(s): ${names.join(', ')}`, { detail: 'MissingParameter' });
}

export function syntaxError(message: string): Neo4jError {
  return new Neo4jError(Status.SyntaxError, message);
}
export function semanticError(message: string): Neo4jError {
  return new Neo4jError(Status.SemanticError, message);
}
export function typeError(message: string): Neo4jError {
  return new Neo4jError(Status.TypeError, message);
}
export function notSupported(what: string): Neo4jError {
  return new Neo4jError(Status.FeatureNotSupported, `${what} is not supported by Causeway yet`);
}

/** An invariant break is a bug: crash loudly rather than continue on a state we cannot trust. */
export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) throw new Error(`invariant violated: ${message}`);
}
export function unreachable(value: never, message = 'unreachable'): never {
  throw new Error(`invariant violated: ${message}: ${JSON.stringify(value)}`);
}
