// GQL path selectors over any pattern: SHORTEST k, SHORTEST k GROUPS, ALL SHORTEST and ANY k select
// per (start, end) pair; the MATCH's WHERE applies before the selection; selected paths keep their
// relationships for the MATCH's later parts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineWith } from '../testing/engine.testlib.js';
import type { CypherValue } from '../../values/value.js';

const plain = (v: CypherValue): unknown => (typeof v === 'bigint' ? Number(v) : Array.isArray(v) ? v.map(plain) : v);
// a→d directly, through b, through c, and through e→f
const GRAPH = "CREATE (a:P {n:'a'}), (b:P {n:'b'}), (c:P {n:'c'}), (d:P {n:'d'}), (e:P {n:'e'}), (f:P {n:'f'}), (a)-[:T]->(b)-[:T]->(d), (a)-[:T]->(c)-[:T]->(d), (a)-[:T]->(e)-[:T]->(f)-[:T]->(d), (a)-[:T]->(d)";

test('SHORTEST k, SHORTEST k GROUPS, ALL SHORTEST and ANY k between two nodes', async () => {
  const q = await engineWith([GRAPH]);
  const lengths = async (text: string): Promise<unknown[]> => (await q(text)).map((r) => plain(r[0]!)).sort();
  assert.deepEqual(await lengths("MATCH p = SHORTEST 2 (:P {n:'a'})-[:T]->+(:P {n:'d'}) RETURN length(p)"), [1, 2]);
  assert.deepEqual(await lengths("MATCH p = SHORTEST 9 (:P {n:'a'})-[:T]->+(:P {n:'d'}) RETURN length(p)"), [1, 2, 2, 3]);
  assert.deepEqual(await lengths("MATCH p = SHORTEST 2 GROUPS (:P {n:'a'})-[:T]->+(:P {n:'d'}) RETURN length(p)"), [1, 2, 2]);
  assert.deepEqual(await lengths("MATCH p = ALL SHORTEST (:P {n:'a'})-[:T]->(m)-[:T]->+(:P {n:'d'}) RETURN length(p)"), [2, 2]);
  assert.equal((await q("MATCH p = ANY 3 (:P {n:'a'})-[:T]->+(:P {n:'d'}) RETURN p")).length, 3);
});

test('selection is per (start, end) pair, after the WHERE, over quantified groups too', async () => {
  const q = await engineWith([GRAPH]);
  const rows = await q("MATCH p = SHORTEST 1 (:P {n:'a'})-[:T]->+(x:P) RETURN x.n, length(p) ORDER BY x.n");
  assert.deepEqual(rows.map((r) => r.map(plain)), [['b', 1], ['c', 1], ['d', 1], ['e', 1], ['f', 2]]);
  // the direct a→d is filtered out first, so the next shortest wins
  const filtered = await q("MATCH p = SHORTEST 1 (:P {n:'a'})((x)-[:T]->(y))+(:P {n:'d'}) WHERE size(x) > 2 RETURN [v IN nodes(p) | v.n]");
  assert.deepEqual(filtered.map((r) => plain(r[0]!)), [['a', 'e', 'f', 'd']]);
  const chains = await q("MATCH p = SHORTEST 1 GROUPS (:P {n:'a'})((x)-[:T]->(y)-[:T]->(z)){1,2}(:P {n:'d'}) RETURN [v IN nodes(p) | v.n] ORDER BY [v IN nodes(p) | v.n]");
  assert.deepEqual(chains.map((r) => plain(r[0]!)), [['a', 'b', 'd'], ['a', 'c', 'd']]);
});

test('a selected path keeps its relationships out of the MATCH’s later parts', async () => {
  const q = await engineWith(["CREATE (:Q {n:1})-[:T]->(:Q {n:2})"]);
  assert.deepEqual(await q("MATCH p = SHORTEST 2 (a:Q {n:1})-[:T]->+(b), (a)-[r:T]->(b) RETURN r"), []);
  assert.equal((await q("MATCH p = SHORTEST 2 (a:Q {n:1})-[:T]->+(b) MATCH (a)-[r:T]->(b) RETURN r")).length, 1);
});
