// The strict TCK rule compares an error's type exactly: no SyntaxError / SemanticError interchange,
// no compile-time TypeError answered by a SyntaxError; the lenient rule keeps accepting both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorTypeMatches, errorTypeMatchesStrictly } from './scenario.js';

test('strict error types are exact; lenient ones interchange syntax and semantic errors', () => {
  assert.equal(errorTypeMatchesStrictly('SyntaxError', 'Neo.ClientError.Statement.SyntaxError'), true);
  assert.equal(errorTypeMatchesStrictly('SemanticError', 'Neo.ClientError.Statement.SyntaxError'), false);
  assert.equal(errorTypeMatchesStrictly('TypeError', 'Neo.ClientError.Statement.SyntaxError'), false);
  assert.equal(errorTypeMatchesStrictly('ProcedureError', 'Neo.ClientError.Procedure.ProcedureNotFound'), true);
  assert.equal(errorTypeMatches('SemanticError', 'compile time', 'Neo.ClientError.Statement.SyntaxError'), true);
  assert.equal(errorTypeMatches('TypeError', 'compile time', 'Neo.ClientError.Statement.SyntaxError'), true);
});
