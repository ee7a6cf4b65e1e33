// The filtered read view's cost (docs/security.md): the same statements on an in-memory graph
// run on the transaction itself (a user who may read everything) and through views that hide a
// label, a relationship type or a property (a restricted user). Median of several runs each.
// Run: npm run bench:read-filter -- [--nodes N] [--runs R]
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createMemoryDatabase } from '../src/graph/memory.js';
import { filteredView, type ElementRulesSpec, type ReadRulesSpec } from '../src/graph/read-filter.js';
import { CypherEngine } from '../src/cypher/query.js';

const { values } = parseArgs({ options: { nodes: { type: 'string', default: '100000' }, runs: { type: 'string', default: '7' } } });
const nodes = Number(values.nodes);
const runs = Number(values.runs);

const ALL: ElementRulesSpec = { traverseGranted: ['*'], traverseDenied: [], readGranted: [['*', '*']], readDenied: [] };
const views: [string, ReadRulesSpec | undefined][] = [
  ['full (no view)', undefined],
  ['DENY TRAVERSE Secret', { nodes: { ...ALL, traverseDenied: ['Secret'] }, relationships: ALL }],
  ['DENY READ {salary}', { nodes: { ...ALL, readDenied: [['*', 'salary']] }, relationships: ALL }],
  ['TRAVERSE KNOWS only', { nodes: ALL, relationships: { ...ALL, traverseGranted: ['KNOWS'] } }],
];
const statements = [
  'MATCH (n:Person) RETURN count(n.name)',
  'MATCH (n) RETURN count(n)',
  'MATCH (a:Person)-[r]->(b) RETURN count(*)',
];

const db = createMemoryDatabase();
const engine = new CypherEngine();
const setup = db.begin();
// pairs of people: a KNOWS b, b OWES a; every fifth pair's first person is also Secret
await engine.execute(setup, `UNWIND range(0, ${Math.floor(nodes / 2) - 1}) AS i
  CREATE (a:Person {name: 'p' + (2 * i), salary: 2 * i})-[:KNOWS]->(b:Person {name: 'p' + (2 * i + 1), salary: 2 * i + 1}), (b)-[:OWES]->(a)
  WITH a, i WHERE i % 5 = 0 SET a:Secret`, new Map());
await setup.commit();

console.log(`read-filter bench: ${nodes} nodes, ${nodes} relationships, median of ${runs} runs (ms)`);
for (const statement of statements) {
  console.log(`\n${statement}`);
  for (const [name, rules] of views) {
    const times: number[] = [];
    let rows = '';
    for (let i = 0; i < runs; i++) {
      const tx = db.begin({ readOnly: true });
      const start = performance.now();
      const result = await engine.execute(rules === undefined ? tx : filteredView(tx, rules), statement, new Map());
      times.push(performance.now() - start);
      rows = JSON.stringify(result.records, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
      tx.rollback();
    }
    times.sort((a, b) => a - b);
    console.log(`  ${name.padEnd(22)} ${times[Math.floor(times.length / 2)]!.toFixed(1).padStart(8)}   ${rows}`);
  }
}
