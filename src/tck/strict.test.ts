// The strict TCK rule compares an error's openCypher type exactly: no SyntaxError / SemanticError
// interchange, no compile-time TypeError answered by a plain SyntaxError; the lenient rule keeps accepting both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorTypeMatches, errorTypeMatchesStrictly } from './scenario.js';

test('strict error types are exact; lenient ones interchange syntax and semantic errors', () => {
  const syntax = { code: 'Neo.ClientError.Statement.SyntaxError' };
  assert.equal(errorTypeMatchesStrictly('SyntaxError', syntax), true);
  assert.equal(errorTypeMatchesStrictly('SemanticError', syntax), false);
  assert.equal(errorTypeMatchesStrictly('TypeError', syntax), false);
  // Neo4j's status code on the wire, openCypher's type for the TCK
  const compileTimeTypeMismatch = { code: 'Neo.ClientError.Statement.SyntaxError', openCypherType: 'TypeError' };
  assert.equal(errorTypeMatchesStrictly('TypeError', compileTimeTypeMismatch), true);
  assert.equal(errorTypeMatchesStrictly('SyntaxError', compileTimeTypeMismatch), false);
  assert.equal(errorTypeMatchesStrictly('ProcedureError', { code: 'Neo.ClientError.Procedure.ProcedureNotFound' }), true);
  assert.equal(errorTypeMatchesStrictly('ConstraintVerificationFailed', { code: 'Neo.ClientError.Schema.ConstraintValidationFailed' }), false);
  assert.equal(errorTypeMatchesStrictly('ConstraintVerificationFailed', { code: 'Neo.ClientError.Schema.ConstraintValidationFailed', openCypherType: 'ConstraintVerificationFailed' }), true);
  assert.equal(errorTypeMatches('SemanticError', 'compile time', 'Neo.ClientError.Statement.SyntaxError'), true);
  assert.equal(errorTypeMatches('TypeError', 'compile time', 'Neo.ClientError.Statement.SyntaxError'), true);
});
