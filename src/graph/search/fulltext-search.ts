// Runs a parsed Lucene query against a full-text index and scores the matches with BM25, the
// similarity Lucene (and so Neo4j 5) uses by default: k1 = 1.2, b = 0.75,
// idf = ln(1 + (N − n + 0.5) / (n + 0.5)), score = boost · idf · tf / (tf + k1 · (1 − b + b · len / avgLen)),
// with exact field lengths (Lucene rounds them to one byte). A query term without a field
// searches every indexed property, each field's score added (MultiFieldQueryParser). Boolean
// clauses add their scores; wildcard, prefix and range queries score a constant (their boost);
// fuzzy terms score as terms, weighted by 1 − edits / length.

import type { Analyzer } from './analyzer.js';
import type { PostingsView } from './fulltext-index.js';
import type { LuceneQuery } from './lucene-query.js';

const K1 = 1.2;
const B = 0.75;
/** most index terms a wildcard, fuzzy or range query expands to (Lucene's BooleanQuery limit is 1024) */
const MAX_EXPANSIONS = 1024;
/** most terms a fuzzy query keeps, best first (Lucene FuzzyQuery's maxExpansions default) */
const FUZZY_MAX_TERMS = 50;

export interface SearchHit {
  readonly id: number;
  readonly score: number;
}

type Scores = Map<number, number>;

export class FulltextSearcher {
  constructor(private readonly view: PostingsView, private readonly fields: readonly string[], private readonly analyzer: Analyzer) {}

  /** Every match, best first; ties by id, so the order is deterministic. */
  search(query: LuceneQuery): SearchHit[] {
    const scores = this.evaluate(query);
    return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || a.id - b.id);
  }

  private fieldsOf(field: string | null): readonly string[] {
    return field === null ? this.fields : [field];
  }

  private evaluate(query: LuceneQuery): Scores {
    switch (query.kind) {
      case 'term': return this.perField(query.field, (f) => this.analyzedTerms(f, query.text, query.boost));
      case 'phrase': return this.perField(query.field, (f) => this.phrase(f, query.text, query.slop, query.boost));
      case 'wildcard': return this.perField(query.field, (f) => this.constant(f, wildcardMatcher(this.analyzer.normalize(query.pattern)), query.boost));
      case 'range': return this.perField(query.field, (f) => this.constant(f, rangeMatcher(query, this.analyzer), query.boost));
      case 'fuzzy': return this.perField(query.field, (f) => this.fuzzy(f, this.analyzer.normalize(query.text), query.maxEdits, query.boost));
      case 'all': {
        const scores: Scores = new Map();
        for (const id of this.view.allDocs()) scores.set(id, query.boost);
        return scores;
      }
      case 'boolean': return this.boolean(query);
    }
  }

  private perField(field: string | null, run: (field: string) => Scores): Scores {
    const fields = this.fieldsOf(field);
    if (fields.length === 1) return run(fields[0]!);
    const total: Scores = new Map();
    for (const f of fields) addInto(total, run(f));
    return total;
  }

  private boolean(query: Extract<LuceneQuery, { kind: 'boolean' }>): Scores {
    const must: Scores[] = [];
    const should: Scores[] = [];
    const mustNot = new Set<number>();
    for (const clause of query.clauses) {
      const scores = this.evaluate(clause.query);
      if (clause.occur === 'MUST') must.push(scores);
      else if (clause.occur === 'SHOULD') should.push(scores);
      else for (const id of scores.keys()) mustNot.add(id);
    }
    let result: Scores;
    if (must.length > 0) {
      const [smallest, ...rest] = [...must].sort((a, b) => a.size - b.size);
      result = new Map();
      for (const [id, score] of smallest!) {
        let total = score;
        let all = true;
        for (const other of rest) {
          const s = other.get(id);
          if (s === undefined) { all = false; break; }
          total += s;
        }
        if (all) result.set(id, total);
      }
      for (const scores of should) for (const [id, s] of scores) if (result.has(id)) result.set(id, result.get(id)! + s);
    } else {
      result = new Map();
      for (const scores of should) addInto(result, scores);
    }
    for (const id of mustNot) result.delete(id);
    if (query.boost !== 1) for (const [id, s] of result) result.set(id, s * query.boost);
    return result;
  }

  private idf(field: string, docFreq: number): number {
    const n = this.view.stats(field).docCount;
    return Math.log(1 + (n - docFreq + 0.5) / (docFreq + 0.5));
  }

  private tfNorm(field: string, id: number, freq: number): number {
    const { docCount, totalLength } = this.view.stats(field);
    const avg = docCount === 0 ? 1 : totalLength / docCount;
    const length = this.view.fieldLength(id, field);
    return freq / (freq + K1 * (1 - B + B * (length / avg)));
  }

  private term(field: string, term: string, boost: number): Scores {
    const scores: Scores = new Map();
    const idf = this.idf(field, this.view.docFreq(field, term));
    for (const [id, positions] of this.view.postings(field, term)) scores.set(id, boost * idf * this.tfNorm(field, id, positions.length));
    return scores;
  }

  /** A query term is analyzed like the indexed text; several tokens become alternatives (autoGeneratePhraseQueries off). */
  private analyzedTerms(field: string, text: string, boost: number): Scores {
    const tokens = this.analyzer.analyze(text);
    if (tokens.length === 1) return this.term(field, tokens[0]!.term, boost);
    const total: Scores = new Map();
    for (const token of tokens) addInto(total, this.term(field, token.term, boost));
    return total;
  }

  private phrase(field: string, text: string, slop: number, boost: number): Scores {
    const tokens = this.analyzer.analyze(text);
    if (tokens.length === 0) return new Map();
    if (tokens.length === 1) return this.term(field, tokens[0]!.term, boost);
    const offsets = tokens.map((t) => t.position - tokens[0]!.position);
    const lists = tokens.map((t) => new Map(this.view.postings(field, t.term)));
    const idf = tokens.reduce((sum, t) => sum + this.idf(field, this.view.docFreq(field, t.term)), 0);
    const scores: Scores = new Map();
    const [firstList, ...others] = lists;
    for (const [id, firstPositions] of firstList!) {
      const positionLists = [firstPositions];
      let present = true;
      for (const list of others) {
        const p = list.get(id);
        if (p === undefined) { present = false; break; }
        positionLists.push(p);
      }
      if (!present) continue;
      const freq = phraseFrequency(positionLists, offsets, slop);
      if (freq > 0) scores.set(id, boost * idf * this.tfNorm(field, id, freq));
    }
    return scores;
  }

  private constant(field: string, matches: (term: string) => boolean, boost: number): Scores {
    const scores: Scores = new Map();
    let expanded = 0;
    for (const term of this.view.terms(field)) {
      if (!matches(term)) continue;
      if (++expanded > MAX_EXPANSIONS) break;
      for (const [id] of this.view.postings(field, term)) scores.set(id, boost);
    }
    return scores;
  }

  private fuzzy(field: string, text: string, maxEdits: number, boost: number): Scores {
    const candidates: { term: string; edits: number }[] = [];
    const length = [...text].length;
    for (const term of this.view.terms(field)) {
      const edits = boundedEditDistance(text, term, maxEdits);
      if (edits <= maxEdits) candidates.push({ term, edits });
    }
    candidates.sort((a, b) => a.edits - b.edits || (a.term < b.term ? -1 : 1));
    const total: Scores = new Map();
    for (const { term, edits } of candidates.slice(0, FUZZY_MAX_TERMS)) {
      const weight = 1 - edits / Math.max(1, Math.min(length, [...term].length));
      for (const [id, s] of this.term(field, term, boost * weight)) total.set(id, Math.max(total.get(id) ?? 0, s));
    }
    return total;
  }
}

function addInto(total: Scores, scores: Scores): void {
  for (const [id, s] of scores) total.set(id, (total.get(id) ?? 0) + s);
}

/**
 * How often the phrase occurs: each position of the first term anchors an occurrence, the other
 * terms take their position nearest to where the phrase wants them; the occurrence counts
 * 1 / (1 + spread) when its spread (how far the terms sit from their places, end to end) is
 * within `slop` (Lucene's sloppy phrase frequency; exact phrases count 1 each).
 */
function phraseFrequency(positionLists: readonly (readonly number[])[], offsets: readonly number[], slop: number): number {
  let freq = 0;
  for (const anchor of positionLists[0]!) {
    let min = 0;
    let max = 0;
    let ok = true;
    for (let i = 1; i < positionLists.length; i++) {
      const want = anchor + offsets[i]!;
      let best: number | undefined;
      for (const p of positionLists[i]!) if (best === undefined || Math.abs(p - want) < Math.abs(best - want)) best = p;
      if (best === undefined) { ok = false; break; }
      const shift = best - want;
      min = Math.min(min, shift);
      max = Math.max(max, shift);
      if (max - min > slop) { ok = false; break; }
    }
    if (ok) freq += 1 / (1 + (max - min));
  }
  return freq;
}

/** Lucene wildcard: `*` any run of characters, `?` exactly one; the rest literal. */
export function wildcardMatcher(pattern: string): (term: string) => boolean {
  const source = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&'))).join('');
  const regex = new RegExp(`^${source}$`, 'su');
  return (term) => regex.test(term);
}

function rangeMatcher(query: Extract<LuceneQuery, { kind: 'range' }>, analyzer: Analyzer): (term: string) => boolean {
  const lower = query.lower === null ? null : analyzer.normalize(query.lower);
  const upper = query.upper === null ? null : analyzer.normalize(query.upper);
  return (term) => {
    if (lower !== null && (term < lower || (term === lower && !query.includeLower))) return false;
    if (upper !== null && (term > upper || (term === upper && !query.includeUpper))) return false;
    return true;
  };
}

/**
 * Damerau–Levenshtein distance (adjacent transpositions count one edit, as Lucene's fuzzy
 * queries count them) between code-point strings, or max + 1 as soon as it must exceed `max`.
 */
export function boundedEditDistance(aText: string, bText: string, max: number): number {
  const a = [...aText];
  const b = [...bText];
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prevPrev[j - 2]! + 1);
      row.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > max) return max + 1;
    prevPrev = prev;
    prev = row;
  }
  return prev[b.length]!;
}
