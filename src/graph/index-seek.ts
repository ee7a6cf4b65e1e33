// Reads of the committed indexes that answer seeks: which index answers a set of predicates, an
// ordered seek over a key span, the trigram postings of a TEXT index, a box over a POINT index.
// The transaction overlay (tx-read.ts) merges their answers with the transaction's own changes.

import type { PropertyValue } from '../values/value.js';
import type { IndexDescriptor, ValuePredicate } from './api.js';
import { decodePointKey, decodeScalarIndexKey, pointSpan, trigramKeys, type KeySpan, type PointBox } from './index-keys.js';
import { prefixEnd } from './keys.js';
import type { SeekIndexKind, StoreReader } from './store.js';

const TRIGRAM_COUNT_MAX = 10_000;

/**
 * The index that answers these predicates: a TEXT index for string predicates when there is no
 * RANGE index, or for CONTAINS / ENDS WITH (its trigram postings beat reading every string);
 * otherwise the RANGE index. `live` gives the usable index of a kind.
 */
export function chooseSeekIndex(
  predicates: readonly ValuePredicate[], live: (kind: SeekIndexKind) => IndexDescriptor | undefined,
): IndexDescriptor | undefined {
  const range = live('RANGE');
  const textual = predicates.every((p) => p.op === 'STARTS WITH' || p.op === 'CONTAINS' || p.op === 'ENDS WITH');
  const text = textual ? live('TEXT') : undefined;
  if (text !== undefined && (range === undefined || predicates.some((p) => p.op === 'CONTAINS' || p.op === 'ENDS WITH'))) return text;
  return range;
}

/** The committed entities of a POINT index inside the box: a seek over its x range, y read from each key. */
export function* committedBoxSeek(base: StoreReader, index: IndexDescriptor, box: PointBox): Iterable<number> {
  const span = pointSpan(box);
  if (span === null) return;
  for (const entry of base.indexSeek(index.name, span.start, span.end)) {
    const { x, y } = decodePointKey(entry.key);
    if (x >= box.xMin && x <= box.xMax && y >= box.yMin && y <= box.yMax) yield entry.id;
  }
}

/**
 * The committed entities passing the predicates: from a TEXT index with a CONTAINS / ENDS WITH
 * needle of three or more units (and no STARTS WITH to seek by), the postings of the needle's
 * rarest trigram, each checked against its value; otherwise an ordered seek over the span.
 */
export function committedMatches(
  base: StoreReader,
  index: IndexDescriptor, span: KeySpan, predicates: readonly ValuePredicate[], test: (value: PropertyValue) => boolean,
  read: (id: number) => PropertyValue | undefined,
): Iterable<number> {
  if (index.kind === 'TEXT' && !predicates.some((p) => p.op === 'STARTS WITH')) {
    let needle = '';
    for (const { bound } of predicates) if (typeof bound === 'string' && bound.length > needle.length) needle = bound;
    if (needle.length >= 3) return trigramCandidates(base, index.name, needle, test, read);
  }
  return committedSeek(base, index.name, span, test, read);
}

function* trigramCandidates(
  base: StoreReader,
  indexName: string, needle: string, test: (value: PropertyValue) => boolean, read: (id: number) => PropertyValue | undefined,
): Iterable<number> {
  // the rarest trigram: each count stops once it passes the best so far
  let best: Uint8Array | undefined;
  let bestCount = TRIGRAM_COUNT_MAX;
  for (const gram of trigramKeys(needle)) {
    let count = 0;
    for (const _ of base.indexSeek(indexName, gram, prefixEnd(gram))) if (++count >= bestCount) break;
    if (best === undefined || count < bestCount) {
      best = gram;
      bestCount = count;
    }
    if (count === 0) return;
  }
  for (const entry of base.indexSeek(indexName, best!, prefixEnd(best!))) {
    const value = read(entry.id);
    if (value !== undefined && test(value)) yield entry.id;
  }
}

/**
 * The committed entries in the span (an ordered seek). An exact span needs no test; otherwise
 * each value is decoded from its key, or read from the entity when the key does not spell it out.
 */
export function* committedSeek(
  base: StoreReader,
  indexName: string, span: KeySpan, test: (value: PropertyValue) => boolean, read: (id: number) => PropertyValue | undefined,
): Iterable<number> {
  for (const entry of base.indexSeek(indexName, span.start, span.end)) {
    if (span.exact) {
      yield entry.id;
      continue;
    }
    const value = entry.value ?? decodeScalarIndexKey(entry.key) ?? read(entry.id);
    if (value !== undefined && test(value)) yield entry.id;
  }
}

