// GQL status objects for errors (Neo4j 5.26+, Bolt 5.7+): the GQLSTATUS code, its status
// description and, for compile-time errors, the specific condition as the cause of 42001 "invalid
// syntax" — the chain Neo4j sends. The classic status code stays the primary key: older drivers
// only ever see it, and an error whose class has no known GQL code keeps the generic 50N42 that
// Neo4j itself sends for exceptions without a GQL object. Codes and wording follow Neo4j's
// GQLSTATUS error catalogue (docs/bolt.md lists what is covered).

import { Status, type StatusCode } from './errors.js';

export interface GqlPosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

export interface GqlErrorStatus {
  readonly gqlStatus: string;
  readonly description: string;
  /** the legacy message for the cause; the top level uses the error's own message */
  readonly message: string;
  readonly position?: GqlPosition;
  readonly cause?: GqlErrorStatus;
}

const CONDITIONS: Readonly<Record<string, string>> = {
  '08': 'connection exception',
  '22': 'data exception',
  '25': 'invalid transaction state',
  '2D': 'invalid transaction termination',
  '40': 'transaction rollback',
  '42': 'syntax error or access rule violation',
  '50': 'general processing exception',
  '51': 'system configuration or operation exception',
  '52': 'procedure exception',
};

/** GQLSTATUS → subcondition, as Neo4j's catalogue names it. */
const SUBCONDITIONS: Readonly<Record<string, string>> = {
  '08N06': 'protocol error',
  '08N07': 'not the leader',
  '08N09': 'database unavailable',
  '08N12': 'failed to parse bookmark',
  '08N13': 'database not up to requested bookmark',
  '22003': 'numeric value out of range',
  '22012': 'division by zero',
  '22N01': 'invalid type',
  '22N11': 'invalid argument',
  '22N31': 'invalid properties in merge pattern',
  '22N34': 'invalid use of aggregate function',
  '22N43': 'unable to load external resource',
  '22N51': 'graph reference not found',
  '22N64': 'constraint does not exist',
  '22N65': 'equivalent constraint already exists',
  '22N66': 'conflicting constraint already exists',
  '22N67': 'duplicated constraint name',
  '22N69': 'index does not exist',
  '22N70': 'equivalent index already exists',
  '22N71': 'duplicated index name',
  '22NB1': 'type mismatch',
  '25N01': 'invalid combination of statement types',
  '25N03': 'concurrent access violation',
  '25N04': 'specified transaction does not exist',
  '25N13': 'cannot access entity after removal',
  '25N17': 'implicit transaction required',
  '42001': 'invalid syntax',
  '42I06': 'invalid input',
  '42I07': 'invalid integer literal',
  '42I13': 'invalid number of procedure or function arguments',
  '42I14': 'invalid number of relationship types',
  '42I18': 'reference to non-grouping sub-expression',
  '42I24': 'invalid use of aggregate function',
  '42I25': 'invalid use of `CALL IN TRANSACTIONS`',
  '42I37': 'invalid use of `RETURN *`',
  '42I38': 'invalid use of `RETURN`',
  '42I41': 'invalid use of variable length relationship',
  '42I56': 'invalid relationship direction',
  '42N02': 'writing in read access mode',
  '42N08': 'no such procedure',
  '42N21': 'unaliased return item',
  '42N24': 'missing `WITH`',
  '42N32': 'invalid use of parameter map',
  '42N38': 'duplicate return item name',
  '42N39': 'incompatible return column names',
  '42N48': 'no such function',
  '42N50': 'procedure return column not defined',
  '42N51': 'invalid parameter',
  '42N59': 'variable already defined',
  '42N62': 'variable not defined',
  '42N71': 'incomplete query',
  '42NFD': 'credentials expired',
  '42NFF': 'permission/access denied',
  '50N05': 'deadlock detected',
  '50N11': 'constraint creation failed',
  '50N12': 'constraint drop failed',
  '50N42': 'unexpected error',
  '51N26': 'not supported in this version',
  '51N28': 'not supported by this database',
  '51N33': 'replication error',
  '51N72': 'memory pool out of memory',
  '51N73': 'transaction memory limit reached',
  '52N37': 'procedure execution error',
};

/** The compile-time condition an openCypher detail names, as the cause of 42001. */
const COMPILE_TIME_CAUSES: Readonly<Record<string, string>> = {
  UnexpectedSyntax: '42I06',
  InvalidUnicodeLiteral: '42I06',
  InvalidUnicodeCharacter: '42I06',
  UndefinedVariable: '42N62',
  VariableAlreadyBound: '42N59',
  VariableTypeConflict: '22NB1',
  InvalidArgumentType: '22NB1',
  InvalidNumberOfArguments: '42I13',
  UnknownFunction: '42N48',
  DifferentColumnsInUnion: '42N39',
  ColumnNameConflict: '42N38',
  NoExpressionAlias: '42N21',
  NoVariablesInScope: '42I37',
  AmbiguousAggregationExpression: '42I18',
  InvalidAggregation: '42I24',
  NestedAggregation: '22N34',
  IntegerOverflow: '22003',
  FloatingPointOverflow: '22003',
  InvalidNumberLiteral: '42I07',
  NoSingleRelationshipType: '42I14',
  RequiresDirectedRelationship: '42I56',
  CreatingVarLength: '42I41',
  InvalidParameterUse: '42N32',
};

/** Clause-composition errors, told apart by their Neo4j message. */
const COMPOSITION_CAUSES: readonly (readonly [RegExp, string])[] = [
  [/can only be used at the end of the query/, '42I38'],
  [/^WITH is required between/, '42N24'],
  [/^Query cannot conclude with|^Query must conclude with/, '42N71'],
  [/IN TRANSACTIONS after a write clause/, '42I25'],
];

/** Classic status code → GQLSTATUS, for errors that are not compile-time syntax or semantic errors. */
const BY_CODE: ReadonlyMap<StatusCode, string> = new Map<StatusCode, string>([
  [Status.ParameterMissing, '42N51'],
  [Status.TypeError, '22N01'],
  [Status.ProcedureCallFailed, '52N37'],
  [Status.ExternalResourceFailed, '22N43'],
  [Status.IndexAlreadyExists, '22N71'],
  [Status.IndexNotFound, '22N69'],
  [Status.ConstraintNotFound, '22N64'],
  [Status.ConstraintDropFailed, '50N12'],
  ['Neo.ClientError.Schema.ConstraintCreationFailed', '50N11'],
  [Status.Unauthorized, '42NFF'],
  [Status.AuthenticationRateLimit, '42NFF'],
  [Status.Forbidden, '42NFF'],
  [Status.CredentialsExpired, '42NFD'],
  [Status.NotSystemDatabaseError, '51N28'],
  [Status.FeatureNotSupported, '51N26'],
  [Status.ProtocolViolation, '08N06'],
  [Status.DatabaseNotFound, '22N51'],
  [Status.TransactionNotFound, '25N04'],
  [Status.TransactionAccessedConcurrently, '25N03'],
  [Status.ForbiddenDueToTransactionType, '25N01'],
  [Status.InvalidBookmark, '08N12'],
  [Status.BookmarkTimeout, '08N13'],
  [Status.AccessMode, '42N02'],
  [Status.NotALeader, '08N07'],
  [Status.DeadlockDetected, '50N05'],
  [Status.ReplicationFailure, '51N33'],
  [Status.DatabaseUnavailable, '08N09'],
  [Status.TransactionStartFailed, '25N17'],
  [Status.TransactionOutOfMemoryError, '51N73'],
  [Status.MemoryPoolOutOfMemoryError, '51N72'],
]);

/** Descriptions whose whole text is fixed in Neo4j's catalogue (no message appended). */
const FIXED_TEXT: Readonly<Record<string, string>> = {
  '42001': 'error: syntax error or access rule violation - invalid syntax',
  '22012': 'error: data exception - division by zero',
  '25N17': 'error: invalid transaction state - implicit transaction required. The attempted operation requires an implicit transaction.',
  '42N02': 'error: syntax error or access rule violation - writing in read access mode. Writing in read access mode not allowed.',
  '42NFF': 'error: syntax error or access rule violation - permission/access denied. Access denied, see the security logs for details.',
  '08N07': 'error: connection exception - not the leader. This member is not the leader.',
  '50N05': 'error: general processing exception - deadlock detected. Deadlock detected while trying to acquire locks. See log for more details.',
};

const POSITION = /\s*\(line (\d+), column (\d+) \(offset: (\d+)\)\)/;

/** The message's first line without the `(line …, column … (offset: …))` suffix, and that position. */
function splitMessage(message: string): { text: string; position?: GqlPosition } {
  const first = message.split('\n', 1)[0] ?? '';
  const m = POSITION.exec(first);
  if (m === null) return { text: first.trim() };
  return { text: first.replace(POSITION, '').trim(), position: { line: Number(m[1]), column: Number(m[2]), offset: Number(m[3]) } };
}

function describe(gqlStatus: string, text: string): string {
  const fixed = FIXED_TEXT[gqlStatus];
  if (fixed !== undefined) return fixed;
  const condition = CONDITIONS[gqlStatus.slice(0, 2)] ?? 'general processing exception';
  const subcondition = SUBCONDITIONS[gqlStatus];
  const head = subcondition === undefined ? `error: ${condition}` : `error: ${condition} - ${subcondition}`;
  return text === '' ? head : `${head}. ${text.endsWith('.') ? text : `${text}.`}`;
}

function status(gqlStatus: string, text: string, position: GqlPosition | undefined, cause?: GqlErrorStatus): GqlErrorStatus {
  return {
    gqlStatus, description: describe(gqlStatus, text), message: text,
    ...(position === undefined ? {} : { position }),
    ...(cause === undefined ? {} : { cause }),
  };
}

function compileTimeCause(detail: string | undefined, text: string): string | undefined {
  if (detail === 'InvalidClauseComposition') return COMPOSITION_CAUSES.find(([re]) => re.test(text))?.[1];
  if (detail === 'UndefinedVariable' && text.startsWith('Unknown procedure output')) return '42N50';
  return detail === undefined ? undefined : COMPILE_TIME_CAUSES[detail];
}

/** The GQL status chain for an error with a Neo4j status code. */
export function gqlErrorStatus(error: { readonly code: StatusCode; readonly message: string; readonly detail?: string }): GqlErrorStatus {
  const { text, position } = splitMessage(error.message);
  const { code, detail } = error;
  // MERGE on a null property is a SemanticError found while running, not a compile-time one
  if (code === Status.SemanticError && detail === 'MergeReadOwnWrites') return status('22N31', text, position);
  if (code === Status.SyntaxError || code === Status.SemanticError || code === Status.ProcedureNotFound) {
    const cause = code === Status.ProcedureNotFound ? '42N08' : compileTimeCause(detail, text);
    return status('42001', text, position, cause === undefined ? undefined : status(cause, text, position));
  }
  if (code === Status.ArithmeticError) return status(/by zero/i.test(text) ? '22012' : '22003', text, position);
  if (code === Status.ArgumentError) return status(detail === 'NumberOutOfRange' ? '22003' : '22N11', text, position);
  if (code === Status.EntityNotFound && detail === 'DeletedEntityAccess') return status('25N13', text, position);
  if (code === Status.EquivalentSchemaRuleAlreadyExists) return status(/constraint/i.test(text) ? '22N65' : '22N70', text, position);
  if (code === Status.ConstraintAlreadyExists) return status(/same name/i.test(text) ? '22N67' : '22N66', text, position);
  return status(BY_CODE.get(code) ?? '50N42', text, position);
}

/** `CLIENT_ERROR`, `TRANSIENT_ERROR` or `DATABASE_ERROR`, from the classic code's class. */
export function gqlClassificationOf(code: string): 'CLIENT_ERROR' | 'TRANSIENT_ERROR' | 'DATABASE_ERROR' {
  if (code.startsWith('Neo.ClientError.')) return 'CLIENT_ERROR';
  if (code.startsWith('Neo.TransientError.')) return 'TRANSIENT_ERROR';
  return 'DATABASE_ERROR';
}
