// Tests the order-preserving index keys: byte order agrees with Cypher's comparison within a type
// group and key equality with Cypher equality; ordered seeks on both stores return exactly what
// filtering every node gives, over random mixed-type values and bounds; and a store written with
// the old (canonical string) keys is rebuilt when it opens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  DateTimeValue, DateValue, DurationValue, LocalDateTimeValue, LocalTimeValue, PointValue, TimeValue,
  type PropertyValue,
} from '../values/value.js';
import { cypherCompare, cypherEquals } from '../values/compare.js';
import type { GraphDatabase, SeekOp, ValuePredicate } from './api.js';
import { compareBytes, indexKey } from './index-keys.js';
import { createMemoryDatabase } from './memory.js';
import { checkDatabaseConsistency, openDatabase, storeFilePath } from './open.js';
import { openLmdbKv } from '../env/node/lmdb-kv.js';
import { ByteWriter } from './bytes.js';
import { Meta, Table, keys } from './keys.js';
import { canonicalKeyOf } from './values.js';

const INT_EDGES = [0n, 1n, -1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 53n - 1n, -(2n ** 53n) - 1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 62n + 1n];
const FLOAT_EDGES = [0, -0, 1, -1, 0.5, 2 ** 53, 2 ** 53 + 2, 2 ** 63, -(2 ** 63), 1e300, -1e300, Infinity, -Infinity, NaN, 5e-324];

const int = fc.oneof(fc.constantFrom(...INT_EDGES), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.bigInt({ min: -20n, max: 20n }));
const float = fc.oneof(fc.constantFrom(...FLOAT_EDGES), fc.double(), fc.integer({ min: -20, max: 20 }).map((n) => n / 2));
const text = fc.oneof(
  fc.constantFrom('', 'a', 'ab', 'a\u0000', 'a\u0000b', 'a\u0001', 'b', 'B', '\uffff', '\ud83d\ude00', '\ue000', 'é', 'e\u0301'),
  fc.string({ maxLength: 4 }),
  fc.string({ unit: 'binary', maxLength: 3 }),
);
const temporal = fc.oneof(
  fc.bigInt({ min: -3n, max: 3n }).map((d) => new DateValue(d)),
  fc.bigInt({ min: 0n, max: 3n }).map((n) => new LocalTimeValue(n)),
  fc.tuple(fc.bigInt({ min: 0n, max: 3n }), fc.constantFrom(0, 1, -1)).map(([n, o]) => new TimeValue(n * 1_000_000_000n, o)),
  fc.tuple(fc.bigInt({ min: -2n, max: 2n }), fc.integer({ min: 0, max: 2 })).map(([s, n]) => new LocalDateTimeValue(s, n)),
  fc.tuple(fc.bigInt({ min: -2n, max: 2n }), fc.integer({ min: 0, max: 2 }), fc.constantFrom(0, 3600), fc.constantFrom(null, 'Europe/Paris'))
    .map(([s, n, o, z]) => new DateTimeValue(s, n, o, z)),
);
const scalar: fc.Arbitrary<PropertyValue> = fc.oneof(int, float, text, fc.boolean(), temporal);
const value: fc.Arbitrary<PropertyValue> = fc.oneof(
  { weight: 6, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(fc.oneof(int, float, text), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: -2, max: 2 }), fc.integer({ min: -2, max: 2 })).map(([x, y]) => new PointValue(7203, x, y)) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 2n }).map((d) => new DurationValue(0n, d, 0n, 0)) },
);

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);
const isNaNValue = (v: PropertyValue): boolean => typeof v === 'number' && Number.isNaN(v);

test('index keys: byte order is Cypher order within a type group, equal keys are equal values', () => {
  // proves the encoding itself, pairwise, over edge integers, floats, unicode strings and temporals
  fc.assert(fc.property(scalar, scalar, (a, b) => {
    const ka = indexKey(a);
    const kb = indexKey(b);
    if (isNaNValue(a) || isNaNValue(b)) return (ka === null) === isNaNValue(a) && (kb === null) === isNaNValue(b);
    assert.ok(ka !== null && kb !== null);
    assert.equal(compareBytes(ka, kb) === 0, cypherEquals(a, b) === true, `equality of ${String(a)} and ${String(b)}`);
    const c = cypherCompare(a, b);
    if (c === null) return ka[0] !== kb[0]; // other type groups are never compared
    if (a instanceof DateTimeValue && c === 0) return true; // same instant, other zone: equality suffix decides
    assert.equal(sign(compareBytes(ka, kb)), sign(c), `order of ${String(a)} and ${String(b)}`);
    return true;
  }), { numRuns: 20_000 });
});

const OPS: SeekOp[] = ['<', '<=', '>', '>=', 'STARTS WITH', 'CONTAINS', 'ENDS WITH'];
const predicate = fc.tuple(fc.constantFrom(...OPS), value).map(([op, bound]): ValuePredicate => ({ op, bound }));

/** The reference answer: Cypher's comparison applied to one value. */
function holds(v: PropertyValue, { op, bound }: ValuePredicate): boolean {
  if (op === 'STARTS WITH' || op === 'CONTAINS' || op === 'ENDS WITH') {
    if (typeof v !== 'string' || typeof bound !== 'string') return false;
    return op === 'STARTS WITH' ? v.startsWith(bound) : op === 'ENDS WITH' ? v.endsWith(bound) : v.includes(bound);
  }
  const c = cypherCompare(v, bound);
  if (c === null || Number.isNaN(c)) return false;
  return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
}

const TEXT_OPS: SeekOp[] = ['STARTS WITH', 'CONTAINS', 'ENDS WITH'];
const words = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.constantFrom('ab', 'ba', 'abc', 'c', 'é', '\ud83d\ude00', 'x', '\u0000'), { maxLength: 5 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: value },
);
const textPredicate = fc.tuple(fc.constantFrom(...TEXT_OPS), words).map(([op, bound]): ValuePredicate => ({ op, bound }));

async function checkSeeks(db: GraphDatabase, runs: number, kind: 'RANGE' | 'TEXT' = 'RANGE'): Promise<void> {
  const values = kind === 'RANGE' ? fc.sample(value, { numRuns: 400, seed: 11 }) : fc.sample(words, { numRuns: 400, seed: 13 });
  const ids: number[] = [];
  const tx = db.begin();
  tx.createIndex({ name: 'v_p', kind, entity: 'NODE', labelOrType: 'V', properties: ['p'] });
  await tx.commit();
  const load = db.begin();
  for (const v of values) ids.push(load.createNode(['V'], new Map([['p', v]])));
  load.createNode(['V'], new Map());
  load.createNode(['W'], new Map([['p', 1n]]));
  await load.commit();
  const samples = fc.sample(fc.array(kind === 'RANGE' ? predicate : textPredicate, { minLength: 1, maxLength: 3 }), { numRuns: runs, seed: 12 });
  // bounds taken from stored values hit equal keys exactly, where an off-by-one would show
  const ops = kind === 'RANGE' ? OPS.slice(0, 5) : TEXT_OPS;
  const fromValues = values.flatMap((bound, i) => ops.map((op) => [{ op, bound: values[(i * 7) % values.length]! }, { op: ops[i % ops.length]!, bound }]));
  const read = db.begin();
  for (const predicates of [...samples, ...fromValues.map((p) => [p[0]!]), ...fromValues]) {
    const expected = ids.filter((_, i) => predicates.every((p) => holds(values[i]!, p))).sort((a, b) => a - b);
    const got = [...read.nodesByPropertyMatching('V', 'p', predicates)].sort((a, b) => a - b);
    assert.deepEqual(got, expected, `seek ${JSON.stringify(predicates, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`);
  }
  for (const wanted of values.slice(0, 100)) {
    const expected = ids.filter((_, i) => cypherEquals(values[i]!, wanted) === true).sort((a, b) => a - b);
    assert.deepEqual([...read.nodesByProperty('V', 'p', wanted)].sort((a, b) => a - b), expected);
  }
  read.rollback();
}

test('index keys: ordered seeks equal the filtered answer (memory store)', async () => {
  // proves ranges and STARTS WITH read exactly the matching entries of the sorted in-memory index
  const db = createMemoryDatabase();
  await checkSeeks(db, 3000);
  await db.close();
});

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'causeway-index-keys-'));
}

test('index keys: ordered seeks equal the filtered answer (LMDB store)', async () => {
  // proves the same through LMDB cursors from the lower bound's key to the upper bound's
  const dir = tempDir();
  try {
    const db = await openDatabase({ path: dir, fsync: false });
    await checkSeeks(db, 1500);
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('text indexes: equality, STARTS WITH, CONTAINS and ENDS WITH equal the filtered answer (both stores)', async () => {
  // proves sorted string entries plus trigram postings find exactly the matching strings; other values are not indexed
  const memory = createMemoryDatabase();
  await checkSeeks(memory, 2000, 'TEXT');
  await memory.close();
  const dir = tempDir();
  try {
    const db = await openDatabase({ path: dir, fsync: false });
    await checkSeeks(db, 1000, 'TEXT');
    await db.close();
    assert.deepEqual((await checkDatabaseConsistency(dir)).problems, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The format-1 entry key: a canonical value string, then the node id. */
function oldEntryKey(indexName: string, canonical: string, id: number): Uint8Array {
  return new ByteWriter().u8(Table.IndexEntry).string(indexName).bytes(new TextEncoder().encode(canonical)).u64(id).finish();
}

test('index keys: a store written with the old key format is rebuilt when it opens', async () => {
  // proves format-1 entries (canonical strings) are replaced by format-2 keys before any read
  const dir = tempDir();
  try {
    let db = await openDatabase({ path: dir, fsync: false });
    const tx = db.begin();
    tx.createIndex({ name: 'v_p', kind: 'RANGE', entity: 'NODE', labelOrType: 'V', properties: ['p'] });
    await tx.commit();
    const load = db.begin();
    const values: PropertyValue[] = [1n, 2n, 10n, 9.5, 'a', 'b', 'ab', true];
    const ids = values.map((p) => load.createNode(['V'], new Map([['p', p]])));
    await load.commit();
    await db.close();

    // rewrite the entries as the format-1 code did, and drop the format marker
    const kv = openLmdbKv(storeFilePath(dir));
    kv.write((w) => {
      for (const key of [...w.keys(keys.table(Table.IndexEntry), keys.table(Table.IndexEntry + 1))]) w.remove(key);
      values.forEach((p, i) => w.put(oldEntryKey('v_p', canonicalKeyOf([p])!, ids[i]!), new Uint8Array(0)));
      w.remove(keys.meta(Meta.indexKeyFormat));
    });
    await kv.close();
    assert.notDeepEqual((await checkDatabaseConsistency(dir)).problems, []);

    db = await openDatabase({ path: dir, fsync: false });
    const read = db.begin();
    const between = [...read.nodesByPropertyMatching('V', 'p', [{ op: '>', bound: 1n }, { op: '<=', bound: 10n }])].sort((a, b) => a - b);
    assert.deepEqual(between, [ids[1]!, ids[2]!, ids[3]!]);
    assert.deepEqual([...read.nodesByPropertyMatching('V', 'p', [{ op: 'STARTS WITH', bound: 'a' }])].sort(), [ids[4]!, ids[6]!].sort());
    assert.deepEqual([...read.nodesByProperty('V', 'p', 10n)], [ids[2]!]);
    read.rollback();
    await db.close();
    assert.deepEqual((await checkDatabaseConsistency(dir)).problems, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('relationship index entries follow every write, and a store rebuilt from the log derives the same', async () => {
  // proves the applier maintains relationship entries (create, set, remove, delete) from the command alone
  const dir = tempDir();
  try {
    let db = await openDatabase({ path: dir, fsync: false });
    const values = fc.sample(value, { numRuns: 200, seed: 21 });
    const setup = db.begin();
    setup.createIndex({ name: 't_p', kind: 'RANGE', entity: 'RELATIONSHIP', labelOrType: 'T', properties: ['p'] });
    await setup.commit();
    const load = db.begin();
    const a = load.createNode([], new Map());
    const rels = values.map((p, i) => load.createRelationship(i % 5 === 0 ? 'U' : 'T', a, a, new Map([['p', p]])));
    await load.commit();
    const change = db.begin();
    rels.forEach((id, i) => {
      if (i % 7 === 1) change.deleteRelationship(id);
      else if (i % 7 === 2) change.setRelationshipProperty(id, 'p', null);
      else if (i % 7 === 3) change.setRelationshipProperty(id, 'p', values[(i * 3) % values.length]!);
    });
    await change.commit();
    const check = async (): Promise<void> => {
      const tx = db.begin();
      for (const predicates of fc.sample(fc.array(predicate, { minLength: 1, maxLength: 2 }), { numRuns: 300, seed: 22 })) {
        const expected = [...tx.relationshipsWithType('T')].filter((id) => {
          const v = tx.relationship(id)!.properties.get('p');
          return v !== undefined && predicates.every((p) => holds(v, p));
        }).sort((x, y) => x - y);
        assert.deepEqual([...tx.relsByPropertyMatching('T', 'p', predicates)].sort((x, y) => x - y), expected);
      }
      tx.rollback();
    };
    await check();
    await db.close();
    assert.deepEqual((await checkDatabaseConsistency(dir)).problems, []);
    rmSync(join(dir, 'graph.mdb'));
    rmSync(join(dir, 'graph.mdb-lock'), { force: true });
    db = await openDatabase({ path: dir, fsync: false });
    await check();
    await db.close();
    assert.deepEqual((await checkDatabaseConsistency(dir)).problems, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('point indexes: boxes equal the filtered answer on LMDB, and entries pass the consistency check', async () => {
  // proves the POINT keys (x-led cartesian, latitude-led WGS-84) seek exactly the points in a box
  const dir = tempDir();
  try {
    const db = await openDatabase({ path: dir, fsync: false });
    const setup = db.begin();
    setup.createIndex({ name: 'v_p', kind: 'POINT', entity: 'NODE', labelOrType: 'V', properties: ['p'] });
    await setup.commit();
    const coordinate = fc.oneof(fc.integer({ min: -8, max: 8 }).map((n) => n / 2), fc.constantFrom(-0, 0, 180, -180, 190));
    const points = fc.sample(fc.tuple(fc.constantFrom(7203, 4326, 9157), coordinate, coordinate.map((y) => Math.max(-90, Math.min(90, y)))), { numRuns: 400, seed: 31 })
      .map(([srid, x, y]) => (srid === 9157 ? new PointValue(srid, x, y, 1) : new PointValue(srid, x, y)));
    const load = db.begin();
    const ids = points.map((p) => load.createNode(['V'], new Map([['p', p]])));
    load.createNode(['V'], new Map([['p', 'not a point']]));
    await load.commit();
    const read = db.begin();
    for (const [srid, x1, x2, y1, y2] of fc.sample(fc.tuple(fc.constantFrom(7203, 4326), coordinate, coordinate, coordinate, coordinate), { numRuns: 300, seed: 32 })) {
      const box = { srid, xMin: Math.min(x1, x2), xMax: Math.max(x1, x2), yMin: Math.min(y1, y2), yMax: Math.max(y1, y2) };
      const expected = ids.filter((_, i) => {
        const p = points[i]!;
        return p.srid === srid && p.z === undefined && p.x >= box.xMin && p.x <= box.xMax && p.y >= box.yMin && p.y <= box.yMax;
      }).sort((a, b) => a - b);
      assert.deepEqual([...read.nodesInBox('V', 'p', box)].sort((a, b) => a - b), expected, JSON.stringify(box));
    }
    read.rollback();
    await db.close();
    assert.deepEqual((await checkDatabaseConsistency(dir)).problems, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
