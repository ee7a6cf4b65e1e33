// Storage micro-benchmark (not a test): indexed point lookups and 1-hop expansions on a graph of
// NODES nodes, directly on the storage API, for the LMDB and in-memory engines; then commit
// throughput with 1 and 16 concurrent committers, fsync on.
//
//   node dist/src/env/node/lmdb-bench.js [nodes=100000]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GraphDatabase } from '../../graph/api.js';
import { createMemoryDatabase } from '../../graph/memory.js';
import { openDatabase } from '../../graph/open.js';

const NODES = Number(process.argv[2] ?? 100_000);
const LOAD_BATCH = 10_000;
const SAMPLES = 20_000;

async function load(db: GraphDatabase): Promise<void> {
  const schema = db.begin();
  schema.createIndex({ name: 'person_id', kind: 'RANGE', entity: 'NODE', labelOrType: 'Person', properties: ['id'] });
  await schema.commit();
  for (let start = 0; start < NODES; start += LOAD_BATCH) {
    const tx = db.begin();
    for (let i = start; i < Math.min(NODES, start + LOAD_BATCH); i++) {
      tx.createNode(['Person'], new Map<string, bigint | string>([['id', BigInt(i)], ['name', `person ${i}`]]));
    }
    await tx.commit();
  }
  for (let start = 0; start < NODES; start += LOAD_BATCH) {
    const tx = db.begin();
    for (let i = start; i < Math.min(NODES, start + LOAD_BATCH); i++) {
      tx.createRelationship('KNOWS', i, (i + 1) % NODES, new Map());
      tx.createRelationship('KNOWS', i, (i * 7 + 3) % NODES, new Map());
    }
    await tx.commit();
  }
}

function percentiles(samplesMs: number[]): string {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number): string => (sorted[Math.floor(q * (sorted.length - 1))]! * 1000).toFixed(1);
  return `p50 ${at(0.5)} us, p99 ${at(0.99)} us`;
}

function readBench(name: string, db: GraphDatabase): void {
  let seed = 12345;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % NODES;
  const lookups: number[] = [];
  const hops: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const key = next();
    let started = performance.now();
    let tx = db.begin({ readOnly: true });
    for (const id of tx.nodesByProperty('Person', 'id', BigInt(key))) tx.node(id);
    tx.rollback();
    lookups.push(performance.now() - started);
    started = performance.now();
    tx = db.begin({ readOnly: true });
    for (const adjacency of tx.relationshipsOf(key, 'OUTGOING', ['KNOWS'])) tx.node(adjacency.otherId);
    tx.rollback();
    hops.push(performance.now() - started);
  }
  console.log(`${name}: indexed point lookup ${percentiles(lookups)}; 1-hop expansion (2 neighbours) ${percentiles(hops)}`);
}

async function commitBench(db: GraphDatabase, committers: number, commits: number): Promise<string> {
  const started = performance.now();
  await Promise.all(Array.from({ length: committers }, async () => {
    for (let i = 0; i < commits / committers; i++) {
      const tx = db.begin();
      tx.createNode(['Bench'], new Map([['i', BigInt(i)]]));
      await tx.commit();
    }
  }));
  return `${((commits / (performance.now() - started)) * 1000).toFixed(0)} commits/s`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'causeway-bench-'));
  try {
    const durable = await openDatabase({ path: dir, fsync: true });
    let started = performance.now();
    await load(durable);
    console.log(`lmdb: loaded ${NODES} nodes, ${2 * NODES} relationships in ${(performance.now() - started).toFixed(0)} ms`);
    readBench('lmdb', durable);
    console.log(`lmdb: 1 committer ${await commitBench(durable, 1, 200)}; 16 committers ${await commitBench(durable, 16, 1600)}`);
    await durable.close();

    const memory = createMemoryDatabase();
    started = performance.now();
    await load(memory);
    console.log(`memory: loaded in ${(performance.now() - started).toFixed(0)} ms`);
    readBench('memory', memory);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
