// Proves result columns are named as Neo4j 5 names them, seen through the official drivers: an
// unaliased variable, map projection or backtick-quoted name is named by the variable, WITH
// carries a map projection without AS, and backticks are never part of a name.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import neo4j from 'neo4j-driver';
import { serverForThisFile } from './harness.js';

/** Driver integers as numbers, recursively, so rows compare with plain literals. */
function plain(value: unknown): unknown {
  if (neo4j.isInt(value)) return (value as { toNumber(): number }).toNumber();
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

const running = serverForThisFile();

async function keysOf(query: string): Promise<{ keys: string[]; rows: Record<string, unknown>[] }> {
  const { keys, records } = await running.driver6.executeQuery(query);
  return { keys: keys as string[], rows: records.map((r) => plain(r.toObject()) as Record<string, unknown>) };
}

test('set-up: two people', { timeout: 30_000 }, async () => {
  // The naming checks below need rows to look at.
  await running.driver6.executeQuery("CREATE (:Person {name: 'Ann', age: 30}), (:Person {name: 'Bob', age: 40})");
});

test('an unaliased map projection is named by its variable (neode\'s RETURN this { .* })', { timeout: 30_000 }, async () => {
  // neode reads the column `this`; before the fix it was `this { .* }`.
  const { keys, rows } = await keysOf("MATCH (this:Person {name: 'Ann'}) RETURN this { .* }");
  assert.deepEqual(keys, ['this']);
  assert.deepEqual(rows[0]!.this, { name: 'Ann', age: 30 });
  const mixed = await keysOf("MATCH (n:Person {name: 'Bob'}) RETURN n.name, count(*), n {.age, x: 1}");
  assert.deepEqual(mixed.keys, ['n.name', 'count(*)', 'n']);
});

test('WITH n {.a} needs no alias and binds the map under the variable\'s name', { timeout: 30_000 }, async () => {
  // Neo4j 5 accepts an unaliased map projection in WITH; the map replaces the node.
  const { keys, rows } = await keysOf("MATCH (n:Person) WITH n {.name} RETURN n ORDER BY n.name");
  assert.deepEqual(keys, ['n']);
  assert.deepEqual(rows.map((r) => r.n), [{ name: 'Ann' }, { name: 'Bob' }]);
  // any other expression still needs AS, with Neo4j's error
  await assert.rejects(running.driver6.executeQuery('MATCH (n:Person) WITH n.name RETURN 1'),
    (e: { code: string; message: string }) => e.code === 'Neo.ClientError.Statement.SyntaxError' && /must be aliased/.test(e.message));
});

test('backtick-quoted variables are the same variables, and columns carry no backticks', { timeout: 30_000 }, async () => {
  // neo4j-graphql-js writes WITH `m` RETURN m and reads the column m.
  const withQuoted = await keysOf("MATCH (m:Person {name: 'Ann'}) WITH `m` RETURN m.name AS name");
  assert.deepEqual(withQuoted.rows, [{ name: 'Ann' }]);
  const returned = await keysOf("MATCH (m:Person {name: 'Ann'}) RETURN `m`");
  assert.deepEqual(returned.keys, ['m']);
  const spaced = await keysOf("MATCH (`my person`:Person {name: 'Ann'}) RETURN `my person`, `my person` {.age}.age AS age");
  assert.deepEqual(spaced.keys, ['my person', 'age']);
  const aliased = await keysOf('RETURN 1 AS `the answer`');
  assert.deepEqual(aliased.keys, ['the answer']);
  // the 5.x driver sees the same names
  const { keys } = await running.driver5.executeQuery("MATCH (this:Person {name: 'Ann'}) RETURN this { .name }, `this`.age");
  assert.deepEqual(keys, ['this', '`this`.age']);
  // two items named by the same variable clash, as in Neo4j
  await assert.rejects(running.driver6.executeQuery('MATCH (n:Person) RETURN n, n {.name}'),
    (e: { code: string; message: string }) => e.code === 'Neo.ClientError.Statement.SyntaxError' && /same name/.test(e.message));
});
