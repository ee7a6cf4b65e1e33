// Token model of the hand-written Cypher lexer. Keywords are not a token type: Cypher keywords
// are mostly usable as names, so the parser compares identifier text case-insensitively.

export type TokenType =
  | 'ident' // bare word (possibly a keyword); `upper` holds its upper-case form
  | 'quoted' // `backtick quoted` name, never a keyword
  | 'string'
  | 'integer' // decimal, 0x hex, 0o / leading-0 octal; `value` is the digits, sign-free
  | 'float'
  | 'invalidNumber' // digits glued to letters, e.g. 0x1Z or 12ab
  | 'punct'
  | 'eof';

export interface Token {
  readonly type: TokenType;
  /** Raw source slice. */
  readonly text: string;
  /** Decoded value: unescaped string, name without backticks, upper-cased word, or operator. */
  readonly value: string;
  /** Offset of the first character. */
  readonly start: number;
  /** Offset just past the last character. */
  readonly end: number;
}

/** Multi-character operators, longest first within each leading character. */
export const MULTI_CHAR_PUNCT: readonly string[] = ['..', '<>', '<=', '>=', '=~', '+=', '!=', '::', '||'];

export const SINGLE_CHAR_PUNCT = '()[]{},.:;|$+-*/%^=<>&!';
