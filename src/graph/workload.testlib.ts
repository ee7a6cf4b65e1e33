// A seeded random graph workload for storage tests: each call runs one transaction of mixed
// node, relationship, label, property and occasional schema changes through the GraphTx API.

import type { PropertyValue } from '../values/value.js';
import { DateValue, PointValue } from '../values/value.js';
import type { GraphDatabase, GraphTx } from './api.js';

/** mulberry32: small, fast, deterministic */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LABELS = ['A', 'B', 'C'];
const TYPES = ['X', 'Y'];
const KEYS = ['k', 'name', 'when'];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function randomValue(random: () => number): PropertyValue {
  switch (Math.floor(random() * 6)) {
    case 0: return BigInt(Math.floor(random() * 20)) * 1_000_000_007n;
    case 1: return Math.floor(random() * 20) + 0.5;
    case 2: return `s${Math.floor(random() * 50)}`;
    case 3: return [1n, BigInt(Math.floor(random() * 5))];
    case 4: return new DateValue(BigInt(Math.floor(random() * 1000)));
    default: return new PointValue(7203, random(), random());
  }
}

const SCAN_IDS_MAX = 200;

/**
 * Picks among the lowest `sample` of the first SCAN_IDS_MAX ids scanned: up to that many, the
 * choice does not depend on an engine's scan order; beyond, the cost stays bounded.
 */
function randomExisting(random: () => number, _tx: GraphTx, ids: () => Iterable<number>, sample = 20): number | undefined {
  const seen: number[] = [];
  for (const id of ids()) {
    seen.push(id);
    if (seen.length >= SCAN_IDS_MAX) break;
  }
  const lowest = seen.sort((a, b) => a - b).slice(0, sample);
  return lowest.length === 0 ? undefined : pick(random, lowest);
}

/** Runs one random write transaction; returns its commit tx id (0 if it changed nothing). */
export async function randomTransaction(db: GraphDatabase, random: () => number, opsPerTx = 8): Promise<number> {
  const tx = db.begin();
  try {
    for (let i = 0; i < opsPerTx; i++) randomOp(tx, random);
    return (await tx.commit()).txId;
  } catch (error) {
    tx.rollback();
    throw error;
  }
}

export function randomOp(tx: GraphTx, random: () => number): void {
  const roll = random();
  const someNode = (): number | undefined => randomExisting(random, tx, () => tx.nodesWithLabel(pick(random, LABELS)));
  if (roll < 0.35) {
    const labels = LABELS.filter(() => random() < 0.4);
    tx.createNode(labels, new Map(KEYS.filter(() => random() < 0.5).map((key) => [key, randomValue(random)])));
  } else if (roll < 0.5) {
    const start = someNode();
    const end = someNode();
    if (start !== undefined && end !== undefined) {
      tx.createRelationship(pick(random, TYPES), start, end, new Map([['w', randomValue(random)]]));
    }
  } else if (roll < 0.65) {
    const id = someNode();
    if (id !== undefined) tx.setNodeProperty(id, pick(random, KEYS), random() < 0.2 ? null : randomValue(random));
  } else if (roll < 0.75) {
    const id = someNode();
    if (id !== undefined) {
      if (random() < 0.5) tx.addLabel(id, pick(random, LABELS));
      else tx.removeLabel(id, pick(random, LABELS));
    }
  } else if (roll < 0.85) {
    const rel = randomExisting(random, tx, () => tx.relationshipsWithType(pick(random, TYPES)));
    if (rel !== undefined) {
      if (random() < 0.5) tx.deleteRelationship(rel);
      else tx.setRelationshipProperty(rel, 'w', randomValue(random));
    }
  } else if (roll < 0.95) {
    const id = someNode();
    if (id !== undefined) {
      for (const adjacency of [...tx.relationshipsOf(id, 'BOTH')]) tx.deleteRelationship(adjacency.relId);
      tx.deleteNode(id);
    }
  } else {
    const label = pick(random, LABELS);
    const key = pick(random, KEYS);
    const name = `idx_${label}_${key}`;
    if (!tx.indexes().some((index) => index.name === name)) {
      tx.createIndex({ name, kind: 'RANGE', entity: 'NODE', labelOrType: label, properties: [key] });
    }
  }
}
