// Proves errors reach Bolt 5.7+ drivers with Neo4j 5's GQL status chains (gqlStatus, description,
// classification, cause, position) while the classic status code stays Neo4j's, and that 4.4 and
// 1.7 drivers still get the classic code alone.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import neo4j4 from 'neo4j-driver-4';
import neo4j1Module from 'neo4j-driver-1';
import { serverForThisFile, TEST_PASSWORD } from './harness.js';

const neo4j1 = neo4j1Module.v1;
const running = serverForThisFile();

interface GqlLike {
  code: string;
  message: string;
  gqlStatus?: string;
  gqlStatusDescription?: string;
  classification?: string;
  diagnosticRecord?: Record<string, unknown>;
  cause?: GqlLike;
  findByGqlStatus?(status: string): GqlLike | undefined;
}

async function failureOf(run: () => Promise<unknown>): Promise<GqlLike> {
  try {
    await run();
  } catch (error) {
    return error as GqlLike;
  }
  throw new Error('the statement was expected to fail');
}

test('driver 6: an undefined variable is 42001 caused by 42N62 with its position', { timeout: 30_000 }, async () => {
  const e = await failureOf(() => running.driver6.executeQuery('RETURN nope'));
  assert.equal(e.code, 'Neo.ClientError.Statement.SyntaxError');
  assert.equal(e.gqlStatus, '42001');
  assert.equal(e.gqlStatusDescription, 'error: syntax error or access rule violation - invalid syntax');
  assert.equal(e.classification, 'CLIENT_ERROR');
  assert.equal(e.cause?.gqlStatus, '42N62');
  assert.match(e.cause?.gqlStatusDescription ?? '', /variable not defined\. Variable `nope` not defined/);
  assert.ok(e.findByGqlStatus?.('42N62'));
  const position = e.diagnosticRecord?._position as { line: { toNumber(): number }; column: { toNumber(): number }; offset: { toNumber(): number } };
  assert.deepEqual([position.line.toNumber(), position.column.toNumber(), position.offset.toNumber()], [1, 8, 7]);
});

test('driver 6: a compile-time type mismatch keeps Neo4j\'s SyntaxError code and is 42001 caused by 22NB1', { timeout: 30_000 }, async () => {
  // openCypher calls this a TypeError (the TCK compares that); drivers see what Neo4j sends.
  const e = await failureOf(() => running.driver6.executeQuery('WITH 123 AS x RETURN x.num'));
  assert.equal(e.code, 'Neo.ClientError.Statement.SyntaxError');
  assert.equal(e.gqlStatus, '42001');
  assert.equal(e.cause?.gqlStatus, '22NB1');
});

test('driver 6: runtime error classes carry their own GQL codes', { timeout: 30_000 }, async () => {
  const division = await failureOf(() => running.driver6.executeQuery('UNWIND [1, 0] AS d RETURN 1 / d'));
  assert.equal(division.code, 'Neo.ClientError.Statement.ArithmeticError');
  assert.equal(division.gqlStatus, '22012');
  assert.equal(division.gqlStatusDescription, 'error: data exception - division by zero');
  const missing = await failureOf(() => running.driver6.executeQuery('RETURN $absent AS a'));
  assert.equal(missing.code, 'Neo.ClientError.Statement.ParameterMissing');
  assert.equal(missing.gqlStatus, '42N51');
  const type = await failureOf(() => running.driver6.executeQuery("UNWIND [1, 'a'] AS v RETURN v - 1"));
  assert.equal(type.code, 'Neo.ClientError.Statement.TypeError');
  assert.equal(type.gqlStatus, '22N01');
  const procedure = await failureOf(() => running.driver6.executeQuery('CALL no.such.procedure()'));
  assert.equal(procedure.code, 'Neo.ClientError.Procedure.ProcedureNotFound');
  assert.equal(procedure.gqlStatus, '42001');
  assert.equal(procedure.cause?.gqlStatus, '42N08');
  const noDatabase = await failureOf(() => running.driver6.executeQuery('RETURN 1', {}, { database: 'nosuchdatabase' }));
  assert.equal(noDatabase.code, 'Neo.ClientError.Database.DatabaseNotFound');
  assert.equal(noDatabase.gqlStatus, '22N51');
});

test('driver 6: a transaction-state error is 25N…', { timeout: 30_000 }, async () => {
  const session = running.driver6.session();
  try {
    await session.run('CREATE (:Gone {k: 1})');
    const e = await failureOf(() => session.run('MATCH (n:Gone) DELETE n RETURN n.k'));
    assert.equal(e.code, 'Neo.ClientError.Statement.EntityNotFound');
    assert.equal(e.gqlStatus, '25N13');
  } finally {
    await session.close();
  }
});

test('driver 5.28 reads the same GQL status; 4.4 and 1.7 get only the classic code', { timeout: 60_000 }, async () => {
  const five = await failureOf(() => running.driver5.executeQuery('RETURN nope'));
  assert.equal(five.code, 'Neo.ClientError.Statement.SyntaxError');
  assert.equal(five.gqlStatus, '42001');
  assert.equal(five.cause?.gqlStatus, '42N62');

  const driver4 = neo4j4.driver(running.server.boltUrl, neo4j4.auth.basic('neo4j', TEST_PASSWORD));
  try {
    const session = driver4.session();
    const four = await failureOf(() => session.run('RETURN nope')).finally(() => session.close());
    assert.equal(four.code, 'Neo.ClientError.Statement.SyntaxError');
    assert.match(four.message, /Variable `nope` not defined/);
    assert.equal(four.gqlStatus, undefined);
  } finally {
    await driver4.close();
  }

  const driver1 = neo4j1.driver(running.server.boltUrl, neo4j1.auth.basic('neo4j', TEST_PASSWORD), { encrypted: false });
  try {
    const session = driver1.session();
    const one = await failureOf(() => session.run('RETURN 1 / 0')).finally(() => session.close());
    assert.equal(one.code, 'Neo.ClientError.Statement.ArithmeticError');
    assert.equal(one.gqlStatus, undefined);
  } finally {
    await driver1.close();
  }
});
