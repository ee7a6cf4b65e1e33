// Rough heap sizes of Cypher values, for memory accounting (core/memory.ts). Cheap and roughly
// right for V8, not exact: a reference slot is 8 bytes, a boxed number 16, a string its header
// plus one byte a character; containers add their backing store and their items.
//
// With a `seen` set, an entity, path or large container already counted once (by the same
// statement) counts as a reference only: rows of a buffer often share one list or node, and
// counting it per row would charge memory that does not exist (and take quadratic time).

import { NodeValue, PathValue, RelationshipValue, type CypherValue } from './value.js';

const SLOT = 8;
/** Containers at least this long are counted once per statement when a seen set is given. */
const SHARED_MIN = 16;

export function estimateBytes(v: CypherValue | undefined, seen?: WeakSet<object>): number {
  switch (typeof v) {
    case 'number': return 16;
    case 'bigint': return 24;
    case 'string': return 16 + v.length;
    case 'object': break;
    default: return SLOT; // boolean, undefined
  }
  if (v === null) return SLOT;
  if (Array.isArray(v)) {
    if (seen !== undefined && v.length >= SHARED_MIN) {
      if (seen.has(v)) return SLOT;
      seen.add(v);
    }
    let n = 32 + SLOT * v.length;
    for (let i = 0; i < v.length; i++) n += estimateBytes(v[i], seen);
    return n;
  }
  if (v instanceof Map) return mapBytes(v, seen);
  if (v instanceof NodeValue) {
    if (seen !== undefined) {
      if (seen.has(v)) return SLOT;
      seen.add(v);
    }
    return 64 + SLOT * v.labels.length + mapBytes(v.properties, seen);
  }
  if (v instanceof RelationshipValue) {
    if (seen !== undefined) {
      if (seen.has(v)) return SLOT;
      seen.add(v);
    }
    return 96 + mapBytes(v.properties, seen);
  }
  if (v instanceof PathValue) {
    if (seen !== undefined) {
      if (seen.has(v)) return SLOT;
      seen.add(v);
    }
    let n = 96 + SLOT * (v.nodes.length + v.relationships.length);
    for (const node of v.nodes) n += estimateBytes(node, seen);
    for (const rel of v.relationships) n += estimateBytes(rel, seen);
    return n;
  }
  // temporal and spatial values: an object with a few fields (bigints included)
  return 64;
}

function mapBytes(m: ReadonlyMap<string, CypherValue>, seen: WeakSet<object> | undefined): number {
  if (seen !== undefined && m.size >= SHARED_MIN) {
    if (seen.has(m)) return SLOT;
    seen.add(m);
  }
  // an ordered hash table: about three slots an entry plus the table; keys are usually interned
  let n = 48 + 32 * m.size;
  for (const value of m.values()) n += estimateBytes(value, seen);
  return n;
}
