// Proves Neo4j 5.26 dynamic labels and types through the official driver against a real server:
// labels and types passed as parameters to CREATE, MERGE, MATCH ($any / $all), SET and REMOVE, and a
// TypeError for a value that is not a string or list of strings.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverForThisFile } from './harness.js';

const running = serverForThisFile();

async function column(query: string, params: Record<string, unknown> = {}): Promise<unknown[]> {
  const { records } = await running.driver6.executeQuery(query, params);
  return records.map((r) => {
    const v = r.get(r.keys[0]!);
    return typeof v === 'object' && v !== null && 'toNumber' in v ? (v as { toNumber(): number }).toNumber() : v;
  });
}

test('a generic import: labels and relationship types from parameters', { timeout: 30_000 }, async () => {
  const rows = [
    { id: 1, labels: ['Person', 'Author'], rel: 'WROTE', to: 10, toLabel: 'Book' },
    { id: 2, labels: ['Person'], rel: 'READ', to: 10, toLabel: 'Book' },
  ];
  await running.driver6.executeQuery(`UNWIND $rows AS row
    MERGE (a:$(row.labels) {id: row.id})
    MERGE (b:$(row.toLabel) {id: row.to})
    CREATE (a)-[:$(row.rel)]->(b)`, { rows });
  assert.deepEqual(await column('MATCH (p:$all($l)) RETURN p.id', { l: ['Person', 'Author'] }), [1]);
  assert.deepEqual(await column('MATCH (p:$any($l)) RETURN p.id ORDER BY p.id', { l: ['Author', 'Book'] }), [1, 10]);
  assert.deepEqual(await column('MATCH (a)-[r:$($t)]->(b:Book) RETURN a.id', { t: 'READ' }), [2]);
  assert.deepEqual(await column('MATCH (a)-[r]->() WHERE r:$any($t) RETURN count(r)', { t: ['READ', 'WROTE'] }), [2]);
});

test('SET and REMOVE a label given as a parameter; a bad value is a TypeError', { timeout: 30_000 }, async () => {
  await running.driver6.executeQuery('MATCH (p {id: $id}) SET p:$($label)', { id: 2, label: 'Reviewer' });
  assert.deepEqual(await column('MATCH (p:Reviewer) RETURN p.id'), [2]);
  await running.driver6.executeQuery('MATCH (p {id: $id}) REMOVE p:$($label)', { id: 2, label: 'Reviewer' });
  assert.deepEqual(await column('MATCH (p:Reviewer) RETURN p.id'), []);
  await assert.rejects(running.driver6.executeQuery('CREATE (n:$($label))', { label: 42 }), { code: 'Neo.ClientError.Statement.TypeError' });
  assert.deepEqual(await column('MATCH (n) RETURN count(n)'), [3]);
});
