// Proves errors map to Neo4j 5's GQL status chains: compile-time errors as 42001 with the specific
// condition as the cause (and its position), runtime classes to their own codes, unknown ones to 50N42.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Neo4jError, Status, deletedEntityError, missingParameterError, type StatusCode } from './errors.js';
import { gqlClassificationOf, gqlErrorStatus } from './gql-status.js';

test('an undefined variable is 42001 caused by 42N62, positioned', () => {
  const error = new Neo4jError(Status.SyntaxError, 'Variable `x` not defined (line 1, column 8 (offset: 7))\n"RETURN x"\n        ^', { detail: 'UndefinedVariable' });
  const status = gqlErrorStatus(error);
  assert.equal(status.gqlStatus, '42001');
  assert.equal(status.description, 'error: syntax error or access rule violation - invalid syntax');
  assert.deepEqual(status.position, { line: 1, column: 8, offset: 7 });
  assert.equal(status.cause?.gqlStatus, '42N62');
  assert.equal(status.cause?.description, 'error: syntax error or access rule violation - variable not defined. Variable `x` not defined.');
  assert.equal(status.cause?.message, 'Variable `x` not defined');
});

test('compile-time conditions pick their cause from the openCypher detail or the message', () => {
  const cause = (detail: string | undefined, message: string, code: StatusCode = Status.SyntaxError): string | undefined =>
    gqlErrorStatus(new Neo4jError(code, message, detail === undefined ? {} : { detail })).cause?.gqlStatus;
  assert.equal(cause('UnexpectedSyntax', "Invalid input 'RETURNN'"), '42I06');
  assert.equal(cause('VariableAlreadyBound', 'Variable `a` already declared'), '42N59');
  assert.equal(cause('InvalidArgumentType', 'Type mismatch: expected Map but was Integer'), '22NB1');
  assert.equal(cause('UnknownFunction', "Unknown function 'foo'"), '42N48');
  assert.equal(cause('InvalidClauseComposition', 'RETURN can only be used at the end of the query'), '42I38');
  assert.equal(cause('InvalidClauseComposition', 'WITH is required between CREATE and MATCH'), '42N24');
  assert.equal(cause('UndefinedVariable', 'Unknown procedure output: `nope`'), '42N50');
  assert.equal(cause(undefined, 'There is no procedure with the name `x.y`', Status.ProcedureNotFound), '42N08');
  assert.equal(cause('NonConstantExpression', 'It is not allowed to refer to variables in SKIP'), undefined);
});

test('runtime error classes have their own GQL codes; an unmapped one is 50N42', () => {
  const code = (error: Neo4jError): string => gqlErrorStatus(error).gqlStatus;
  assert.equal(code(new Neo4jError(Status.ArithmeticError, '/ by zero')), '22012');
  assert.equal(gqlErrorStatus(new Neo4jError(Status.ArithmeticError, '/ by zero')).description, 'error: data exception - division by zero');
  assert.equal(code(new Neo4jError(Status.ArithmeticError, 'long overflow')), '22003');
  assert.equal(code(new Neo4jError(Status.TypeError, 'Expected a Node')), '22N01');
  assert.equal(code(missingParameterError(['x'])), '42N51');
  assert.equal(code(deletedEntityError('Node', 3)), '25N13');
  assert.equal(code(new Neo4jError(Status.SemanticError, "Cannot merge the following node because of null property value for 'k'", { detail: 'MergeReadOwnWrites' })), '22N31');
  assert.equal(code(new Neo4jError(Status.TransactionNotFound, 'no tx')), '25N04');
  assert.equal(code(new Neo4jError(Status.Forbidden, 'denied')), '42NFF');
  assert.equal(code(new Neo4jError(Status.Unauthorized, 'bad credentials')), '42NFF');
  assert.equal(code(new Neo4jError(Status.CredentialsExpired, 'expired')), '42NFD');
  assert.equal(code(new Neo4jError(Status.DatabaseNotFound, 'Graph not found: nope')), '22N51');
  assert.equal(code(new Neo4jError(Status.NotALeader, 'not the leader')), '08N07');
  assert.equal(code(new Neo4jError(Status.EquivalentSchemaRuleAlreadyExists, 'An equivalent index already exists')), '22N70');
  assert.equal(code(new Neo4jError(Status.EquivalentSchemaRuleAlreadyExists, 'An equivalent constraint already exists')), '22N65');
  assert.equal(code(new Neo4jError(Status.StorageFailure, 'disk')), '50N42');
  assert.equal(gqlErrorStatus(new Neo4jError(Status.StorageFailure, 'disk')).description, 'error: general processing exception - unexpected error. disk.');
});

test('classification follows the classic code class', () => {
  assert.equal(gqlClassificationOf(Status.SyntaxError), 'CLIENT_ERROR');
  assert.equal(gqlClassificationOf(Status.DeadlockDetected), 'TRANSIENT_ERROR');
  assert.equal(gqlClassificationOf(Status.UnknownError), 'DATABASE_ERROR');
});
