// The Lucene classic query syntax that full-text queries are written in (what Neo4j hands to
// Lucene's MultiFieldQueryParser): terms, "phrases"~slop, AND/OR/NOT, && || !, +required,
// -prohibited, field:term, (groups), wildcards * and ?, fuzzy term~ / term~1, boosts ^2,
// ranges [a TO b] / {a TO b}, *:* and backslash escapes. Parsing only; fulltext-search.ts runs it.

import { Neo4jError, Status } from '../../core/errors.js';

export type Occur = 'MUST' | 'SHOULD' | 'MUST_NOT';

export type LuceneQuery =
  | { readonly kind: 'term'; readonly field: string | null; readonly text: string; readonly boost: number }
  | { readonly kind: 'phrase'; readonly field: string | null; readonly text: string; readonly slop: number; readonly boost: number }
  | { readonly kind: 'wildcard'; readonly field: string | null; readonly pattern: string; readonly boost: number }
  | { readonly kind: 'fuzzy'; readonly field: string | null; readonly text: string; readonly maxEdits: number; readonly boost: number }
  | {
      readonly kind: 'range'; readonly field: string | null; readonly lower: string | null; readonly upper: string | null;
      readonly includeLower: boolean; readonly includeUpper: boolean; readonly boost: number;
    }
  | { readonly kind: 'all'; readonly boost: number }
  | { readonly kind: 'boolean'; readonly clauses: readonly LuceneClause[]; readonly boost: number };

export interface LuceneClause {
  readonly occur: Occur;
  readonly query: LuceneQuery;
}

/** Longest query text accepted, and deepest nesting of parentheses: parsing stays bounded. */
const MAX_QUERY_CHARS = 100_000;
const MAX_DEPTH = 100;

type Tok =
  | { readonly t: 'word'; readonly text: string; readonly wildcard: boolean; readonly at: number }
  | { readonly t: 'phrase'; readonly text: string; readonly at: number }
  | { readonly t: 'op'; readonly text: string; readonly at: number }
  | { readonly t: 'end'; readonly at: number };

const SPECIAL = new Set(['+', '-', '!', '(', ')', '{', '}', '[', ']', '^', '"', '~', ':', '\\', '/', '&', '|']);
/** characters that end a word (Lucene's _TERM_CHAR excludes these; + and - may continue a word) */
const WORD_END = new Set(['(', ')', '{', '}', '[', ']', '^', '"', '~', ':', '\\', '/']);

export function luceneSyntaxError(query: string, detail: string): Neo4jError {
  return new Neo4jError(Status.ProcedureCallFailed,
    `Failed to invoke procedure: Caused by: org.apache.lucene.queryparser.classic.ParseException: Cannot parse '${query}': ${detail}`);
}

function tokenize(query: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const n = query.length;
  while (i < n) {
    const c = query[i]!;
    if (/\s/u.test(c)) { i++; continue; }
    if (c === '&' && query[i + 1] === '&') { toks.push({ t: 'op', text: '&&', at: i }); i += 2; continue; }
    if (c === '|' && query[i + 1] === '|') { toks.push({ t: 'op', text: '||', at: i }); i += 2; continue; }
    if (c === '"') {
      let text = '';
      let j = i + 1;
      for (; j < n && query[j] !== '"'; j++) {
        if (query[j] === '\\' && j + 1 < n) j++;
        text += query[j];
      }
      if (j >= n) throw luceneSyntaxError(query, `Lexical error at character ${i + 1}: unterminated phrase.`);
      toks.push({ t: 'phrase', text, at: i });
      i = j + 1;
      continue;
    }
    if ('+-!(){}[]^~:'.includes(c)) { toks.push({ t: 'op', text: c, at: i }); i++; continue; }
    if (c === '/') throw luceneSyntaxError(query, 'Regular expression queries (/…/) are not supported by Causeway.');
    let text = '';
    let wildcard = false;
    const start = i;
    while (i < n) {
      const d = query[i]!;
      if (/\s/u.test(d) || WORD_END.has(d) || (d === '&' && query[i + 1] === '&') || (d === '|' && query[i + 1] === '|')) {
        if (d !== '\\') break;
      }
      if (d === '\\') {
        if (i + 1 >= n) throw luceneSyntaxError(query, 'Term can not end with escape character.');
        text += query[i + 1];
        i += 2;
        continue;
      }
      if (d === '*' || d === '?') wildcard = true;
      text += d;
      i++;
    }
    if (text === '' && i === start) throw luceneSyntaxError(query, `Lexical error at character ${i + 1}.`);
    toks.push({ t: 'word', text, wildcard, at: start });
  }
  toks.push({ t: 'end', at: n });
  return toks;
}

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly query: string, private readonly toks: Tok[]) {}

  private peek(): Tok { return this.toks[this.pos]!; }
  private next(): Tok { return this.toks[this.pos++]!; }
  private isOp(text: string, tok: Tok = this.peek()): boolean { return tok.t === 'op' && tok.text === text; }
  private isWord(text: string, tok: Tok = this.peek()): boolean { return tok.t === 'word' && !tok.wildcard && tok.text === text; }
  private fail(detail: string): never { throw luceneSyntaxError(this.query, detail); }
  private unexpected(): never {
    const tok = this.peek();
    const shown = tok.t === 'end' ? '<EOF>' : tok.t === 'phrase' ? `"${tok.text}"` : tok.text;
    this.fail(`Encountered "${shown}" at column ${tok.at + 1}.`);
  }

  parseTop(): LuceneQuery {
    const q = this.parseQuery(null);
    if (this.peek().t !== 'end') this.unexpected();
    return q;
  }

  /** Query ::= ( Conjunction? Modifiers? Clause )+, combined as Lucene's QueryParser.addClause does (default operator OR). */
  private parseQuery(field: string | null): LuceneQuery {
    const clauses: { occur: Occur; query: LuceneQuery }[] = [];
    let first = true;
    for (;;) {
      const tok = this.peek();
      if (tok.t === 'end' || this.isOp(')')) break;
      let conj: 'AND' | 'OR' | null = null;
      if (first && (this.isWord('AND') || this.isWord('OR') || this.isOp('&&') || this.isOp('||'))) this.unexpected();
      if (!first) {
        if (this.isWord('AND') || this.isOp('&&')) { this.next(); conj = 'AND'; }
        else if (this.isWord('OR') || this.isOp('||')) { this.next(); conj = 'OR'; }
      }
      let mod: 'REQ' | 'NOT' | null = null;
      if (this.isOp('+')) { this.next(); mod = 'REQ'; }
      else if (this.isOp('-') || this.isOp('!') || this.isWord('NOT')) { this.next(); mod = 'NOT'; }
      const query = this.parseClause(field);
      if (conj === 'AND' && clauses.length > 0) {
        const last = clauses[clauses.length - 1]!;
        if (last.occur !== 'MUST_NOT') last.occur = 'MUST';
      }
      const prohibited = mod === 'NOT';
      const required = mod === 'REQ' || (conj === 'AND' && !prohibited);
      clauses.push({ occur: prohibited ? 'MUST_NOT' : required ? 'MUST' : 'SHOULD', query });
      first = false;
    }
    if (clauses.length === 0) this.unexpected();
    if (clauses.length === 1 && clauses[0]!.occur === 'SHOULD') return clauses[0]!.query;
    return { kind: 'boolean', clauses, boost: 1 };
  }

  private parseClause(outerField: string | null): LuceneQuery {
    let field = outerField;
    const tok = this.peek();
    const after = this.toks[this.pos + 1]!;
    if ((tok.t === 'word') && this.isOp(':', after)) {
      this.pos += 2;
      field = tok.text;
      if (field === '*') {
        const star = this.next();
        if (star.t !== 'word' || star.text !== '*') this.fail('Only *:* may use the field *.');
        return { kind: 'all', boost: this.boost() };
      }
    }
    if (this.isOp('(')) {
      this.next();
      if (++this.depth > MAX_DEPTH) this.fail(`More than ${MAX_DEPTH} nested groups.`);
      const inner = this.parseQuery(field);
      this.depth--;
      if (!this.isOp(')')) this.unexpected();
      this.next();
      const boost = this.boost();
      return boost === 1 ? inner : { ...inner, boost: inner.boost * boost };
    }
    return this.parseTerm(field);
  }

  private parseTerm(field: string | null): LuceneQuery {
    const tok = this.next();
    if (tok.t === 'phrase') {
      let slop = 0;
      if (this.isOp('~')) {
        this.next();
        slop = this.optionalNumber() ?? 0;
      }
      return { kind: 'phrase', field, text: tok.text, slop: Math.max(0, Math.floor(slop)), boost: this.boost() };
    }
    if (tok.t === 'op' && (tok.text === '[' || tok.text === '{')) return this.parseRange(field, tok.text === '[');
    if (tok.t !== 'word') { this.pos--; this.unexpected(); }
    if (this.isOp('~')) {
      this.next();
      const similarity = this.optionalNumber();
      let maxEdits = 2;
      if (similarity !== undefined) {
        if (similarity >= 1) maxEdits = Math.min(2, Math.floor(similarity));
        else maxEdits = Math.min(2, Math.floor((1 - similarity) * [...tok.text].length));
      }
      return { kind: 'fuzzy', field, text: tok.text, maxEdits, boost: this.boost() };
    }
    if (tok.wildcard) return { kind: 'wildcard', field, pattern: tok.text, boost: this.boost() };
    return { kind: 'term', field, text: tok.text, boost: this.boost() };
  }

  private parseRange(field: string | null, includeLower: boolean): LuceneQuery {
    const lowerTok = this.next();
    if (lowerTok.t !== 'word' && lowerTok.t !== 'phrase') { this.pos--; this.unexpected(); }
    if (!this.isWord('TO')) this.unexpected();
    this.next();
    const upperTok = this.next();
    if (upperTok.t !== 'word' && upperTok.t !== 'phrase') { this.pos--; this.unexpected(); }
    const close = this.next();
    if (close.t !== 'op' || (close.text !== ']' && close.text !== '}')) { this.pos--; this.unexpected(); }
    const bound = (t: { text: string }): string | null => (t.text === '*' ? null : t.text);
    return {
      kind: 'range', field, lower: bound(lowerTok), upper: bound(upperTok), includeLower, includeUpper: close.text === ']', boost: this.boost(),
    };
  }

  private optionalNumber(): number | undefined {
    const tok = this.peek();
    if (tok.t !== 'word' || !/^\d+(\.\d+)?$/u.test(tok.text)) return undefined;
    this.next();
    return Number(tok.text);
  }

  private boost(): number {
    if (!this.isOp('^')) return 1;
    this.next();
    const value = this.optionalNumber();
    if (value === undefined) this.unexpected();
    return value;
  }
}

export function parseLuceneQuery(query: string): LuceneQuery {
  if (query.length > MAX_QUERY_CHARS) throw luceneSyntaxError(query.slice(0, 100) + '…', `The query is longer than ${MAX_QUERY_CHARS} characters.`);
  if (query.trim() === '') throw luceneSyntaxError(query, 'Encountered "<EOF>" at line 1, column 0.');
  return new Parser(query, tokenize(query)).parseTop();
}
