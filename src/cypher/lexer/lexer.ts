// Hand-written Cypher lexer: one pass over the text, producing tokens with offsets.
// Whitespace and comments (`//…`, `/*…*/`) are skipped.

import { syntaxErrorAt } from './errors.js';
import { MULTI_CHAR_PUNCT, SINGLE_CHAR_PUNCT, type Token } from './tokens.js';

const MAX_TOKENS = 10_000_000;

/** Unicode look-alikes Neo4j accepts in relationship arrows, mapped to their ASCII part. */
const ARROW_PARTS: ReadonlyMap<string, string> = new Map([
  ...[...'\u00ad\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d'].map((c) => [c, '-'] as const),
  ...[...'\u27e8\u3008\ufe64\uff1c'].map((c) => [c, '<'] as const),
  ...[...'\u27e9\u3009\ufe65\uff1e'].map((c) => [c, '>'] as const),
]);

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || (c > 127 && isUnicodeLetter(c));
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || (c > 127 && isUnicodeIdentPart(c));
}
function isUnicodeLetter(c: number): boolean {
  return /[\p{L}\p{Nl}]/u.test(String.fromCodePoint(c));
}
function isUnicodeIdentPart(c: number): boolean {
  return /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]/u.test(String.fromCodePoint(c));
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isWhitespace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 0xa0 || c === 0xfeff ||
    c === 0x2028 || c === 0x2029 || (c >= 0x2000 && c <= 0x200a) || c === 0x3000 || c === 0x1680 || c === 0x202f || c === 0x205f;
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  const push = (type: Token['type'], start: number, end: number, value: string): void => {
    tokens.push({ type, text: text.slice(start, end), value, start, end });
    if (tokens.length > MAX_TOKENS) throw syntaxErrorAt(text, start, 'Query too long', 'UnexpectedSyntax');
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isWhitespace(c)) {
      i++;
      continue;
    }
    if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? n : eol + 1;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42 /* * */) {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) throw syntaxErrorAt(text, i, "Failed to parse comment. A comment starting on `/*` must have a closing `*/`.", 'UnexpectedSyntax');
      i = close + 2;
      continue;
    }
    const start = i;
    if (isIdentStart(c)) {
      i++;
      while (i < n && isIdentPart(text.charCodeAt(i))) i++;
      push('ident', start, i, text.slice(start, i).toUpperCase());
      continue;
    }
    if (c === 96 /* ` */) {
      let name = '';
      i++;
      for (;;) {
        const close = text.indexOf('`', i);
        if (close < 0) throw syntaxErrorAt(text, start, "Failed to parse quoted name: missing closing '`'", 'UnexpectedSyntax');
        name += text.slice(i, close);
        i = close + 1;
        if (text.charCodeAt(i) === 96) { // `` escapes a backtick
          name += '`';
          i++;
          continue;
        }
        break;
      }
      push('quoted', start, i, name);
      continue;
    }
    if (c === 39 || c === 34) {
      i = lexString(text, i, tokens);
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)) && !previousIsDot(tokens))) {
      i = lexNumber(text, i, tokens);
      continue;
    }
    const two = text.slice(i, i + 2);
    if (MULTI_CHAR_PUNCT.includes(two)) {
      push('punct', start, i + 2, two);
      i += 2;
      continue;
    }
    if (SINGLE_CHAR_PUNCT.includes(text[i]!)) {
      push('punct', start, i + 1, text[i]!);
      i++;
      continue;
    }
    const arrowPart = ARROW_PARTS.get(text[i]!);
    if (arrowPart !== undefined) {
      // Typographic dashes and angle brackets are arrow parts in patterns (as in Neo4j); the
      // parser rejects them anywhere else as InvalidUnicodeCharacter.
      push('punct', start, i + 1, arrowPart);
      i++;
      continue;
    }
    const cp = text.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    throw syntaxErrorAt(text, i, `Invalid input '${ch}': expected a valid token`, cp > 127 ? 'InvalidUnicodeCharacter' : 'UnexpectedSyntax');
  }
  tokens.push({ type: 'eof', text: '', value: '', start: n, end: n });
  return tokens;
}

// `a.5` is not a float after a dot; guards against lexing `x..5`-like shapes wrongly.
function previousIsDot(tokens: Token[]): boolean {
  const last = tokens[tokens.length - 1];
  return last !== undefined && last.type === 'punct' && last.value === '.';
}

function lexString(text: string, startAt: number, tokens: Token[]): number {
  const quote = text.charCodeAt(startAt);
  const n = text.length;
  let i = startAt + 1;
  let out = '';
  let chunkStart = i;
  while (true) {
    if (i >= n) throw syntaxErrorAt(text, startAt, 'Failed to parse string literal. The query must contain an even number of non-escaped quotes.', 'UnexpectedSyntax');
    const c = text.charCodeAt(i);
    if (c === quote) break;
    if (c !== 92 /* \ */) {
      i++;
      continue;
    }
    out += text.slice(chunkStart, i);
    const e = text[i + 1];
    switch (e) {
      case '\\': out += '\\'; i += 2; break;
      case "'": out += "'"; i += 2; break;
      case '"': out += '"'; i += 2; break;
      case 'b': case 'B': out += '\b'; i += 2; break;
      case 'f': case 'F': out += '\f'; i += 2; break;
      case 'n': case 'N': out += '\n'; i += 2; break;
      case 'r': case 'R': out += '\r'; i += 2; break;
      case 't': case 'T': out += '\t'; i += 2; break;
      case 'u': case 'U': {
        const width = e === 'u' ? 4 : 8;
        const hex = text.slice(i + 2, i + 2 + width);
        if (hex.length !== width || !/^[0-9a-fA-F]+$/.test(hex)) {
          throw syntaxErrorAt(text, i, `Invalid input '${text.slice(i, i + 2 + width)}': invalid unicode escape`, 'InvalidUnicodeLiteral');
        }
        const code = parseInt(hex, 16);
        if (code > 0x10ffff) throw syntaxErrorAt(text, i, `Invalid unicode escape '\\${e}${hex}'`, 'InvalidUnicodeLiteral');
        out += String.fromCodePoint(code);
        i += 2 + width;
        break;
      }
      default:
        // Unknown escapes keep the backslash, as Neo4j does.
        out += '\\';
        i += 1;
        break;
    }
    chunkStart = i;
  }
  out += text.slice(chunkStart, i);
  tokens.push({ type: 'string', text: text.slice(startAt, i + 1), value: out, start: startAt, end: i + 1 });
  return i + 1;
}

function lexNumber(text: string, startAt: number, tokens: Token[]): number {
  const n = text.length;
  let i = startAt;
  const c0 = text[i];
  const c1 = text[i + 1];
  // A number glued to letters becomes one invalid token; the parser reports it in context
  // (InvalidNumberLiteral where a value was expected, plain syntax error elsewhere).
  const invalid = (end: number): number => {
    let stop = end;
    while (stop < n && isIdentPart(text.charCodeAt(stop))) stop++;
    const raw = text.slice(startAt, stop);
    tokens.push({ type: 'invalidNumber', text: raw, value: raw, start: startAt, end: stop });
    return stop;
  };
  if (c0 === '0' && (c1 === 'x' || c1 === 'X')) {
    i += 2;
    const digitsStart = i;
    while (i < n && /[0-9a-fA-F]/.test(text[i]!)) i++;
    if (i === digitsStart || (i < n && isIdentPart(text.charCodeAt(i)))) return invalid(i);
    tokens.push({ type: 'integer', text: text.slice(startAt, i), value: text.slice(startAt, i), start: startAt, end: i });
    return i;
  }
  if (c0 === '0' && (c1 === 'o' || c1 === 'O')) {
    i += 2;
    const digitsStart = i;
    while (i < n && /[0-7]/.test(text[i]!)) i++;
    if (i === digitsStart || (i < n && isIdentPart(text.charCodeAt(i)))) return invalid(i);
    tokens.push({ type: 'integer', text: text.slice(startAt, i), value: text.slice(startAt, i), start: startAt, end: i });
    return i;
  }
  let isFloat = false;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  if (text[i] === '.' && isDigit(text.charCodeAt(i + 1))) {
    isFloat = true;
    i++;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
  }
  if (text[i] === 'e' || text[i] === 'E') {
    let j = i + 1;
    if (text[j] === '+' || text[j] === '-') j++;
    if (isDigit(text.charCodeAt(j))) {
      isFloat = true;
      i = j;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
    }
  }
  // A decimal run glued to letters is not a number at all (e.g. a map key `1B2c`).
  if (i < n && isIdentPart(text.charCodeAt(i))) return invalid(i);
  const raw = text.slice(startAt, i);
  tokens.push({ type: isFloat ? 'float' : 'integer', text: raw, value: raw, start: startAt, end: i });
  return i;
}
