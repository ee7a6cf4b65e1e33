// Index seeks against the scans they replace (docs/indexes.md): on N :P nodes (and N/2 :R
// relationships), a 1%-selective range, a 1% STARTS WITH, a selective CONTAINS (TEXT trigram
// postings vs RANGE entries vs label scan) and a 1% relationship range, each run as the seek and
// as the same predicate after a WITH (which no seek can use, so the label or type is scanned).
// Median of several runs, in the in-memory and the LMDB store.
// Run: npm run bench:index-seeks -- [--nodes N] [--runs R]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { GraphDatabase } from '../src/graph/api.js';
import { createMemoryDatabase } from '../src/graph/memory.js';
import { openDatabase } from '../src/graph/open.js';
import { CypherEngine } from '../src/cypher/query.js';

const { values } = parseArgs({ options: { nodes: { type: 'string', default: '100000' }, runs: { type: 'string', default: '7' } } });
const nodes = Number(values.nodes);
const runs = Number(values.runs);
const engine = new CypherEngine();
const onePercent = Math.floor(nodes / 100);

async function load(db: GraphDatabase): Promise<void> {
  for (const index of ['CREATE INDEX p_v FOR (n:P) ON (n.v)', 'CREATE INDEX p_s FOR (n:P) ON (n.s)', 'CREATE INDEX r_w FOR ()-[r:R]-() ON (r.w)']) {
    const tx = db.begin();
    await engine.execute(tx, index, new Map());
    await tx.commit();
  }
  // values in a scrambled order (i * 7919 mod n), so neither ids nor insertion order follow them
  for (let start = 0; start < nodes; start += 10_000) {
    const tx = db.begin();
    await engine.execute(tx, `UNWIND range($start, $end) AS i WITH i, (i * 7919) % $n AS v
      CREATE (a:P {v: v, s: 'name' + right('00000000' + toString(v), 8)}) WITH a, i, v WHERE i % 2 = 0
      CREATE (a)-[:R {w: v}]->(a)`,
    new Map<string, bigint>([['start', BigInt(start)], ['end', BigInt(Math.min(start + 10_000, nodes) - 1)], ['n', BigInt(nodes)]]));
    await tx.commit();
  }
}

async function time(db: GraphDatabase, statement: string): Promise<{ ms: number; result: string }> {
  const times: number[] = [];
  let result = '';
  for (let i = 0; i < runs; i++) {
    const tx = db.begin({ readOnly: true });
    const start = performance.now();
    const r = await engine.execute(tx, statement, new Map());
    times.push(performance.now() - start);
    result = String(r.records[0]?.[0]);
    tx.rollback();
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, result };
}

const lo = Math.floor(nodes / 3);
// the 8-digit names of one percent of the values share a prefix (n a power of ten)
const digits = Math.round(Math.log10(onePercent));
const prefix = `name${String(Math.floor(lo / onePercent) * onePercent).padStart(8, '0').slice(0, 8 - digits)}`;
const cases: [string, string, string][] = [
  ['range 1% (n.v >= a AND n.v < b)', 'MATCH (n:P) WHERE n.v >= ' + lo + ' AND n.v < ' + (lo + onePercent), 'RETURN count(n)'],
  ['STARTS WITH ~1%', `MATCH (n:P) WHERE n.s STARTS WITH '${prefix}'`, 'RETURN count(n)'],
  ['CONTAINS (RANGE index)', "MATCH (n:P) WHERE n.s CONTAINS '1234'", 'RETURN count(n)'],
  ['relationship range 1%', 'MATCH ()-[r:R]->() WHERE r.w >= ' + lo + ' AND r.w < ' + (lo + 2 * onePercent), 'RETURN count(r)'],
];

async function measure(name: string, db: GraphDatabase): Promise<void> {
  const started = performance.now();
  await load(db);
  console.log(`\n${name}: ${nodes} nodes, ${Math.ceil(nodes / 2)} relationships loaded in ${((performance.now() - started) / 1000).toFixed(1)} s; median of ${runs} runs (ms)`);
  console.log(`  ${'query'.padEnd(34)} ${'seek'.padStart(9)} ${'scan'.padStart(9)}  rows`);
  const report = async (label: string, match: string, ret: string): Promise<void> => {
    const seek = await time(db, `${match} ${ret}`);
    const variable = match.includes('[r:') ? 'r' : 'n';
    const where = match.indexOf(' WHERE ');
    const scan = await time(db, `${match.slice(0, where)} WITH ${variable} ${match.slice(where + 1)} ${ret}`);
    if (seek.result !== scan.result) throw new Error(`${label}: seek ${seek.result} != scan ${scan.result}`);
    console.log(`  ${label.padEnd(34)} ${seek.ms.toFixed(2).padStart(9)} ${scan.ms.toFixed(2).padStart(9)}  ${seek.result}`);
  };
  for (const [label, match, ret] of cases) await report(label, match, ret);
  const tx = db.begin();
  await engine.execute(tx, 'CREATE TEXT INDEX p_s_text FOR (n:P) ON (n.s)', new Map());
  await tx.commit();
  await report('CONTAINS (TEXT index, trigrams)', "MATCH (n:P) WHERE n.s CONTAINS '1234'", 'RETURN count(n)');
}

await measure('memory', createMemoryDatabase());
const dir = mkdtempSync(join(tmpdir(), 'causeway-index-bench-'));
try {
  const db = await openDatabase({ path: dir, fsync: false });
  await measure('LMDB', db);
  await db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
