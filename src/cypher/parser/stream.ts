// Token cursor for the recursive-descent parser: lookahead, keyword matching (keywords are
// case-insensitive identifiers) and Neo4j-worded syntax errors.

import type { Span } from '../ast/index.js';
import { syntaxErrorAt, type CompileError } from '../lexer/errors.js';
import type { Token } from '../lexer/tokens.js';

/**
 * Thrown (and caught) only while speculatively trying a pattern; never escapes the parser.
 * One shared plain object: capturing a stack trace per attempt would dominate parse time.
 */
const BACKTRACK: { readonly backtrack: true } = Object.freeze({ backtrack: true });

/** Expression nesting limit; deep enough for real queries, far below the JS stack limit. */
const MAX_NESTING = 200;

export class TokenStream {
  pos = 0;
  /** Nesting depth guard: pathological inputs must fail cleanly, not overflow the JS stack. */
  depth = 0;
  /** When > 0, `|` after a label predicate is not a label disjunction (comprehension WHERE). */
  labelOrSuppressed = 0;
  /** When > 0, parse errors throw Backtrack instead of a user-facing error (speculative mode). */
  speculating = 0;

  constructor(readonly text: string, readonly tokens: readonly Token[]) {}

  peek(k = 0): Token {
    const i = Math.min(this.pos + k, this.tokens.length - 1);
    return this.tokens[i]!;
  }

  next(): Token {
    const t = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  /** End offset of the last consumed token. */
  get lastEnd(): number {
    return this.pos === 0 ? 0 : this.tokens[this.pos - 1]!.end;
  }

  spanFrom(start: number): Span {
    return { start, end: Math.max(start, this.lastEnd) };
  }

  atKeyword(kw: string, k = 0): boolean {
    const t = this.peek(k);
    return t.type === 'ident' && t.value === kw;
  }

  atKeywords(...kws: string[]): boolean {
    for (let i = 0; i < kws.length; i++) if (!this.atKeyword(kws[i]!, i)) return false;
    return true;
  }

  atPunct(p: string, k = 0): boolean {
    const t = this.peek(k);
    return t.type === 'punct' && t.value === p;
  }

  /** Rejects a Unicode arrow look-alike (lexed as `-`, `<` or `>`) used as an operator. */
  requireAsciiOperator(): void {
    const t = this.peek();
    if (t.type === 'punct' && t.text !== t.value && t.value.length === 1) {
      throw this.errorAt(t.start, `Invalid input '${t.text}': expected an operator`, 'InvalidUnicodeCharacter');
    }
  }

  atEnd(): boolean {
    return this.peek().type === 'eof';
  }

  acceptKeyword(kw: string): boolean {
    if (!this.atKeyword(kw)) return false;
    this.pos++;
    return true;
  }

  acceptPunct(p: string): boolean {
    if (!this.atPunct(p)) return false;
    this.pos++;
    return true;
  }

  expectKeyword(kw: string): Token {
    if (!this.atKeyword(kw)) this.fail([`"${kw}"`]);
    return this.next();
  }

  expectPunct(p: string): Token {
    if (!this.atPunct(p)) this.fail([`"${p}"`]);
    return this.next();
  }

  /** A symbolic name: a bare word (keywords allowed) or a `quoted` name. */
  atName(k = 0): boolean {
    const t = this.peek(k);
    return t.type === 'ident' || t.type === 'quoted';
  }

  expectName(what = 'an identifier'): string {
    const t = this.peek();
    if (t.type === 'ident') {
      this.pos++;
      return t.text;
    }
    if (t.type === 'quoted') {
      this.pos++;
      return t.value;
    }
    return this.fail([what]);
  }

  /** Throws `Invalid input 'X': expected …` at the current token. */
  fail(expected: readonly string[], detail = 'UnexpectedSyntax'): never {
    if (this.speculating > 0) throw BACKTRACK;
    const t = this.peek();
    const list = expected.length <= 1 ? (expected[0] ?? 'something else') : `${expected.slice(0, -1).join(', ')} or ${expected[expected.length - 1]}`;
    throw syntaxErrorAt(this.text, t.start, `Invalid input '${t.text}': expected ${list}`, detail);
  }

  /** A located error with a custom message (not subject to backtracking). */
  errorAt(offset: number, message: string, detail?: string): CompileError {
    return syntaxErrorAt(this.text, offset, message, detail);
  }

  enter(): void {
    if (++this.depth > MAX_NESTING) throw this.errorAt(this.peek().start, 'Query is nested too deeply');
  }

  leave(): void {
    this.depth--;
  }

  /** Runs `attempt` speculatively; on failure rewinds and returns null. */
  tryParse<T>(attempt: () => T): T | null {
    const saved = this.pos;
    const savedDepth = this.depth;
    this.speculating++;
    try {
      return attempt();
    } catch (e) {
      if (e === BACKTRACK) {
        this.pos = saved;
        this.depth = savedDepth;
        return null;
      }
      throw e;
    } finally {
      this.speculating--;
    }
  }
}
