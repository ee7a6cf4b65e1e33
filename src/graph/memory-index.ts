// The in-memory store's index: entries by value key (index-keys.ts) with the distinct keys kept
// in sorted order, so an equality lookup is one Map get and a range is a binary search then a
// walk, reading exactly the keys in the span, as the LMDB store does.

import type { PropertyValue } from '../values/value.js';
import type { IndexDescriptor } from './api.js';
import { bytesToBinary } from './index-keys.js';
import type { IndexEntry } from './store.js';

interface Bucket {
  readonly key: Uint8Array;
  readonly ids: Set<number>;
  /** the value the key stands for (equal keys are equal values), so seeks need not decode it */
  readonly value: PropertyValue | undefined;
}

export class MemoryIndex {
  /** value key as a binary string (compares like the bytes) → its entities */
  private readonly buckets = new Map<string, Bucket>();
  /** the keys of `buckets`, ascending; rebuilt after a bulk load */
  private sorted: string[] = [];
  private loading = false;
  /** bumped whenever `sorted` changes, so a walk knows when its position must be searched again */
  private version = 0;

  constructor(readonly descriptor: IndexDescriptor) {}

  /** Adds many entries (index creation) and sorts once at the end. */
  load(fill: () => void): void {
    this.loading = true;
    try {
      fill();
    } finally {
      this.loading = false;
      this.sorted = [...this.buckets.keys()].sort();
      this.version++;
    }
  }

  add(key: Uint8Array, id: number, value?: PropertyValue): void {
    const name = bytesToBinary(key);
    let bucket = this.buckets.get(name);
    if (bucket === undefined) {
      bucket = { key, ids: new Set(), value };
      this.buckets.set(name, bucket);
      if (!this.loading) {
        this.sorted.splice(lowerBound(this.sorted, name), 0, name);
        this.version++;
      }
    }
    bucket.ids.add(id);
  }

  remove(key: Uint8Array, id: number): void {
    const name = bytesToBinary(key);
    const bucket = this.buckets.get(name);
    if (bucket === undefined) return;
    bucket.ids.delete(id);
    if (bucket.ids.size > 0) return;
    this.buckets.delete(name);
    const at = lowerBound(this.sorted, name);
    if (this.sorted[at] === name) {
      this.sorted.splice(at, 1);
      this.version++;
    }
  }

  lookup(key: Uint8Array): Iterable<number> {
    return this.buckets.get(bytesToBinary(key))?.ids.keys() ?? [];
  }

  /**
   * Entries with start <= key < end in key order. When the keys changed since the last step, the
   * walk searches again from the last key seen, so changes made while a caller walks lazily never
   * derail it.
   */
  *seek(start: Uint8Array, end: Uint8Array): Iterable<IndexEntry> {
    const stop = bytesToBinary(end);
    let at = lowerBound(this.sorted, bytesToBinary(start));
    for (;;) {
      const name = this.sorted[at];
      if (name === undefined || name >= stop) return;
      const bucket = this.buckets.get(name);
      const seen = this.version;
      if (bucket !== undefined) for (const id of bucket.ids) yield { key: bucket.key, id, value: bucket.value };
      if (seen !== this.version) {
        at = lowerBound(this.sorted, name);
        if (this.sorted[at] === name) at++;
      } else {
        at++;
      }
    }
  }
}

/** The first position whose key is >= name. */
function lowerBound(sorted: readonly string[], name: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! < name) low = mid + 1;
    else high = mid;
  }
  return low;
}
