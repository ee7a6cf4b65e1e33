// The inverted index behind one FULLTEXT index: per field (indexed property) the terms, and per
// term the entities holding it with their positions. Entities are node or relationship ids (one
// index covers one kind). It is derived state: built from the store and kept in step with each
// applied batch (search-indexes.ts), never written to disk.

import type { Analyzer } from './analyzer.js';

/** positions between two values of one list property, so a phrase never spans them (Lucene's position gap). */
const VALUE_POSITION_GAP = 100;

export interface FieldStats {
  /** entities with at least one term in the field */
  readonly docCount: number;
  /** sum of the field's term counts over those entities */
  readonly totalLength: number;
}

/** What query evaluation reads: one index, or an index seen through a transaction's own changes. */
export interface PostingsView {
  stats(field: string): FieldStats;
  docFreq(field: string, term: string): number;
  /** entity → positions of `term` in `field` */
  postings(field: string, term: string): Iterable<readonly [number, readonly number[]]>;
  terms(field: string): Iterable<string>;
  fieldLength(id: number, field: string): number;
  allDocs(): Iterable<number>;
}

interface StoredDoc {
  /** field → its terms in order (for removal) and its length */
  readonly fields: Map<string, { readonly terms: readonly string[]; readonly length: number }>;
}

export class FulltextIndex implements PostingsView {
  private readonly postingsByField = new Map<string, Map<string, Map<number, number[]>>>();
  private readonly docs = new Map<number, StoredDoc>();
  private readonly fieldStats = new Map<string, { docCount: number; totalLength: number }>();

  constructor(readonly analyzer: Analyzer) {}

  get size(): number {
    return this.docs.size;
  }

  has(id: number): boolean {
    return this.docs.has(id);
  }

  /** Indexes an entity: field → its string values (a list property gives several). Replaces what `id` had. */
  add(id: number, values: ReadonlyMap<string, readonly string[]>): void {
    this.remove(id);
    const doc: StoredDoc = { fields: new Map() };
    for (const [field, strings] of values) {
      const terms: string[] = [];
      let offset = 0;
      let byTerm = this.postingsByField.get(field);
      for (const text of strings) {
        const tokens = this.analyzer.analyze(text);
        for (const token of tokens) {
          if (byTerm === undefined) this.postingsByField.set(field, (byTerm = new Map()));
          let postings = byTerm.get(token.term);
          if (postings === undefined) byTerm.set(token.term, (postings = new Map()));
          let positions = postings.get(id);
          if (positions === undefined) postings.set(id, (positions = []));
          positions.push(offset + token.position);
          terms.push(token.term);
        }
        const last = tokens[tokens.length - 1];
        offset += (last === undefined ? 0 : last.position + 1) + VALUE_POSITION_GAP;
      }
      if (terms.length === 0) continue;
      doc.fields.set(field, { terms, length: terms.length });
      const stats = this.fieldStats.get(field) ?? { docCount: 0, totalLength: 0 };
      stats.docCount++;
      stats.totalLength += terms.length;
      this.fieldStats.set(field, stats);
    }
    if (doc.fields.size > 0) this.docs.set(id, doc);
  }

  remove(id: number): void {
    const doc = this.docs.get(id);
    if (doc === undefined) return;
    this.docs.delete(id);
    for (const [field, { terms, length }] of doc.fields) {
      const byTerm = this.postingsByField.get(field);
      for (const term of terms) {
        const postings = byTerm?.get(term);
        if (postings === undefined) continue;
        postings.delete(id);
        if (postings.size === 0) byTerm!.delete(term);
      }
      const stats = this.fieldStats.get(field);
      if (stats !== undefined) {
        stats.docCount--;
        stats.totalLength -= length;
        if (stats.docCount === 0) this.fieldStats.delete(field);
      }
    }
  }

  stats(field: string): FieldStats {
    return this.fieldStats.get(field) ?? { docCount: 0, totalLength: 0 };
  }

  docFreq(field: string, term: string): number {
    return this.postingsByField.get(field)?.get(term)?.size ?? 0;
  }

  postings(field: string, term: string): Iterable<readonly [number, readonly number[]]> {
    return this.postingsByField.get(field)?.get(term)?.entries() ?? [];
  }

  terms(field: string): Iterable<string> {
    return this.postingsByField.get(field)?.keys() ?? [];
  }

  fieldLength(id: number, field: string): number {
    return this.docs.get(id)?.fields.get(field)?.length ?? 0;
  }

  allDocs(): Iterable<number> {
    return this.docs.keys();
  }
}

/**
 * A committed index seen from a transaction: the entities the transaction changed are hidden
 * from `base` and answered from `own` (an index of their current state) instead, as Neo4j
 * queries a transaction's changes alongside the committed index. Statistics add up both sides.
 */
export class OverlayPostings implements PostingsView {
  constructor(private readonly base: PostingsView, private readonly own: PostingsView, private readonly hidden: ReadonlySet<number>) {}

  stats(field: string): FieldStats {
    const a = this.base.stats(field);
    const b = this.own.stats(field);
    return { docCount: a.docCount + b.docCount, totalLength: a.totalLength + b.totalLength };
  }

  docFreq(field: string, term: string): number {
    return this.base.docFreq(field, term) + this.own.docFreq(field, term);
  }

  *postings(field: string, term: string): Iterable<readonly [number, readonly number[]]> {
    for (const entry of this.base.postings(field, term)) if (!this.hidden.has(entry[0])) yield entry;
    yield* this.own.postings(field, term);
  }

  *terms(field: string): Iterable<string> {
    const seen = new Set<string>();
    for (const term of this.base.terms(field)) { seen.add(term); yield term; }
    for (const term of this.own.terms(field)) if (!seen.has(term)) yield term;
  }

  fieldLength(id: number, field: string): number {
    const own = this.own.fieldLength(id, field);
    return own > 0 || this.hidden.has(id) ? own : this.base.fieldLength(id, field);
  }

  *allDocs(): Iterable<number> {
    for (const id of this.base.allDocs()) if (!this.hidden.has(id)) yield id;
    yield* this.own.allDocs();
  }
}
