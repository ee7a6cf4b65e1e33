// Background population of search indexes, driven tick by tick: POPULATING with a moving
// percentage, one bounded slice per tick, no lost writes between the snapshot and ONLINE, waits
// that resolve at ONLINE or time out, and a reset (store replaced) that populates again.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Ticker } from '../../env/clock.js';
import { createMemoryDatabase } from '../memory.js';
import type { GraphEngine } from '../engine.js';
import { FULLTEXT_POPULATION_SLICE } from './search-indexes.js';

/** Timers that fire only when the test says so. */
class ManualTicker implements Ticker {
  private readonly timers = new Map<number, { intervalMs: number; onTick: () => void }>();
  private nextId = 0;
  every(intervalMs: number, onTick: () => void): () => void {
    const id = this.nextId++;
    this.timers.set(id, { intervalMs, onTick });
    return () => this.timers.delete(id);
  }
  /** fires every timer with this interval once */
  fire(intervalMs: number): void {
    for (const timer of [...this.timers.values()]) if (timer.intervalMs === intervalMs) timer.onTick();
  }
  count(intervalMs: number): number {
    return [...this.timers.values()].filter((t) => t.intervalMs === intervalMs).length;
  }
}

const DOCS = FULLTEXT_POPULATION_SLICE * 4;

async function loaded(ticker: ManualTicker): Promise<GraphEngine> {
  const engine = createMemoryDatabase('neo4j', { ticker });
  const tx = engine.begin();
  for (let i = 0; i < DOCS; i++) tx.createNode(['Doc'], new Map([['body', `harbour ${i}`]]));
  await tx.commit();
  const schema = engine.begin();
  schema.createIndex({ name: 'docs', kind: 'FULLTEXT', entity: 'NODE', labelOrType: 'Doc', properties: ['body'], config: { 'fulltext.analyzer': 'standard' } });
  await schema.commit();
  return engine;
}

function status(engine: GraphEngine): unknown {
  const tx = engine.begin({ readOnly: true });
  try {
    const s = tx.searchIndexStatus!('docs')!;
    return [s.state, s.populationPercent];
  } finally {
    tx.rollback();
  }
}

function search(engine: GraphEngine, query: string): number[] {
  const tx = engine.begin({ readOnly: true });
  try {
    return tx.queryFulltext('docs', query).map((h) => h.id).sort((a, b) => a - b);
  } finally {
    tx.rollback();
  }
}

test('a new index populates one bounded slice per tick, POPULATING until the last', async () => {
  const ticker = new ManualTicker();
  const engine = await loaded(ticker);
  assert.deepEqual(status(engine), ['POPULATING', 0]);
  assert.equal(ticker.count(1), 1, 'one population timer');
  ticker.fire(1);
  assert.deepEqual(status(engine), ['POPULATING', 25]);
  ticker.fire(1);
  ticker.fire(1);
  assert.deepEqual(status(engine), ['POPULATING', 75]);
  ticker.fire(1);
  assert.deepEqual(status(engine), ['ONLINE', 100]);
  assert.equal(ticker.count(1), 0, 'the timer stops when nothing is left');
  assert.equal(search(engine, 'harbour').length, DOCS);
});

test('writes during population are in the index once it is ONLINE', async () => {
  const ticker = new ManualTicker();
  const engine = await loaded(ticker);
  ticker.fire(1); // ids 0 .. slice-1 read
  const tx = engine.begin();
  tx.setNodeProperty(3, 'body', 'lighthouse early');            // already read: the apply re-indexes it
  tx.setNodeProperty(DOCS - 1, 'body', 'lighthouse late');     // not read yet: its slice reads the new value
  tx.deleteNode(5);
  tx.deleteNode(DOCS - 2);
  const created = tx.createNode(['Doc'], new Map([['body', 'lighthouse new']]));  // not in the snapshot
  await tx.commit();
  for (let i = 0; i < 4; i++) ticker.fire(1);
  assert.deepEqual(status(engine), ['ONLINE', 100]);
  assert.deepEqual(search(engine, 'lighthouse'), [3, DOCS - 1, created].sort((a, b) => a - b));
  assert.equal(search(engine, 'harbour').length, DOCS - 4);
});

test('waits resolve at ONLINE, time out with the caller\'s error, and reset populates again', async () => {
  const ticker = new ManualTicker();
  const engine = await loaded(ticker);
  const tx = engine.begin({ readOnly: true });
  let online = false;
  const waited = tx.awaitSearchIndexes!(['docs'], 5000, () => new Error('late')).then(() => (online = true));
  const timedOut = tx.awaitSearchIndexes!(undefined, 10, (pending) => new Error(`still populating: ${pending.join(',')}`));
  ticker.fire(10);
  await assert.rejects(timedOut, /still populating: docs/);
  ticker.fire(1);
  await Promise.resolve();
  assert.equal(online, false);
  for (let i = 0; i < 3; i++) ticker.fire(1);
  await waited;
  assert.equal(online, true);
  assert.equal(ticker.count(5000), 0, 'the timeout timer is cancelled');
  tx.rollback();

  engine.search.reset();
  assert.deepEqual(status(engine), ['POPULATING', 0]);
  for (let i = 0; i < 4; i++) ticker.fire(1);
  assert.deepEqual(status(engine), ['ONLINE', 100]);
});

test('without a ticker an index is populated at once', async () => {
  const engine = createMemoryDatabase('neo4j');
  const tx = engine.begin();
  for (let i = 0; i < DOCS; i++) tx.createNode(['Doc'], new Map([['body', `harbour ${i}`]]));
  await tx.commit();
  const schema = engine.begin();
  schema.createIndex({ name: 'docs', kind: 'FULLTEXT', entity: 'NODE', labelOrType: 'Doc', properties: ['body'] });
  await schema.commit();
  const tx2 = engine.begin({ readOnly: true });
  assert.equal(tx2.searchIndexStatus!('docs'), undefined, 'not built before its first query: shown as ONLINE');
  tx2.rollback();
  assert.equal(search(engine, 'harbour').length, DOCS);
  assert.deepEqual(status(engine), ['ONLINE', 100]);
});
