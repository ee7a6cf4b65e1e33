// Text analyzers for full-text indexes: how a string property becomes the terms the index
// stores and a query term becomes the terms it looks for. The names and behaviour follow the
// Lucene analyzers Neo4j offers (db.index.fulltext.listAvailableAnalyzers); Neo4j 5's default is
// `standard-no-stop-words`.

import { Neo4jError, Status } from '../../core/errors.js';
import { porterStem } from './porter-stemmer.js';

export interface Token {
  readonly term: string;
  /** position of the token in its value (stop words still take a position, as in Lucene) */
  readonly position: number;
}

export interface Analyzer {
  readonly name: string;
  analyze(text: string): Token[];
  /** How wildcard and fuzzy terms are normalised: they are not tokenized, only lower-cased when the analyzer lower-cases. */
  normalize(term: string): string;
}

/** Lucene's EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, used by `standard`, `stop` and `english`. */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'if', 'in', 'into', 'is', 'it', 'no', 'not', 'of', 'on',
  'or', 'such', 'that', 'the', 'their', 'then', 'there', 'these', 'they', 'this', 'to', 'was', 'will', 'with',
]);

export const DEFAULT_ANALYZER = 'standard-no-stop-words';

/**
 * An approximation of Lucene's StandardTokenizer (Unicode UAX#29 word breaks): runs of letters,
 * digits, marks and connector punctuation, joined across a single `'` or `.` between two such
 * characters (`don't`, `u.s.a`, `3.14`); each Han, Hiragana or Katakana character is a token.
 */
const WORD = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[\p{L}\p{N}\p{M}\p{Pc}]+(?:['.\u2019][\p{L}\p{N}\p{M}\p{Pc}]+)*/gu;
const IDEOGRAPHIC = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]$/u;
const LETTERS = /\p{L}+/gu;

function standardTokens(text: string, stopWords: ReadonlySet<string> | undefined): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  for (const match of text.matchAll(WORD)) {
    const term = match[0].toLowerCase();
    if (stopWords === undefined || !stopWords.has(term)) tokens.push({ term, position });
    position++;
  }
  return tokens;
}

function letterTokens(text: string, stopWords: ReadonlySet<string> | undefined): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  for (const match of text.matchAll(LETTERS)) {
    const term = match[0].toLowerCase();
    if (stopWords === undefined || !stopWords.has(term)) tokens.push({ term, position });
    position++;
  }
  return tokens;
}

/** Lucene's EnglishPossessiveFilter: a trailing 's (or ’s) goes. */
function withoutPossessive(term: string): string {
  return term.endsWith("'s") || term.endsWith('\u2019s') ? term.slice(0, -2) : term;
}

/** Lucene's EnglishAnalyzer: standard tokens, possessives dropped, English stop words, Porter stems. */
function englishTokens(text: string): Token[] {
  const tokens: Token[] = [];
  for (const { term, position } of standardTokens(text, undefined)) {
    const word = withoutPossessive(term);
    if (word === '' || ENGLISH_STOP_WORDS.has(word)) continue;
    tokens.push({ term: porterStem(word), position });
  }
  return tokens;
}

/** Letters folded to ASCII where Lucene's ASCIIFoldingFilter folds the common ones (é → e, ß → ss, æ → ae, ø → o). */
const FOLDED_LETTERS: ReadonlyMap<string, string> = new Map([
  ['ß', 'ss'], ['æ', 'ae'], ['Æ', 'AE'], ['ø', 'o'], ['Ø', 'O'], ['œ', 'oe'], ['Œ', 'OE'], ['ł', 'l'], ['Ł', 'L'],
  ['đ', 'd'], ['Đ', 'D'], ['ð', 'd'], ['Ð', 'D'], ['þ', 'th'], ['Þ', 'TH'], ['ı', 'i'], ['ĸ', 'q'], ['ŉ', "'n"],
]);

function fold(term: string): string {
  const decomposed = term.normalize('NFKD').replace(/\p{M}/gu, '');
  let out = '';
  for (const ch of decomposed) out += FOLDED_LETTERS.get(ch) ?? ch;
  return out;
}

const lower = (term: string): string => term.toLowerCase();
const lowerFolded = (term: string): string => fold(term.toLowerCase());
const same = (term: string): string => term;

const ANALYZERS: ReadonlyMap<string, Analyzer> = new Map<string, Analyzer>([
  ['standard-no-stop-words', { name: 'standard-no-stop-words', analyze: (t) => standardTokens(t, undefined), normalize: lower }],
  ['standard', { name: 'standard', analyze: (t) => standardTokens(t, ENGLISH_STOP_WORDS), normalize: lower }],
  ['standard-folding', {
    name: 'standard-folding', normalize: lowerFolded,
    analyze: (t) => standardTokens(t, undefined).map(({ term, position }) => ({ term: fold(term), position })),
  }],
  ['english', { name: 'english', analyze: englishTokens, normalize: lower }],
  ['simple', { name: 'simple', analyze: (t) => letterTokens(t, undefined), normalize: lower }],
  ['stop', { name: 'stop', analyze: (t) => letterTokens(t, ENGLISH_STOP_WORDS), normalize: lower }],
  ['whitespace', {
    name: 'whitespace', normalize: same,
    analyze: (t) => t.split(/\s+/u).filter((w) => w !== '').map((term, position) => ({ term, position })),
  }],
  ['keyword', { name: 'keyword', analyze: (t) => (t === '' ? [] : [{ term: t, position: 0 }]), normalize: same }],
]);

/** Neo4j analyzers Causeway does not have (they stem or fold for other languages). */
const LANGUAGE_ANALYZERS = new Set([
  'swedish', 'german', 'french', 'spanish', 'italian', 'dutch', 'danish', 'norwegian', 'finnish', 'portuguese',
  'brazilian', 'russian', 'arabic', 'bulgarian', 'catalan', 'cjk', 'czech', 'greek', 'persian', 'basque', 'galician',
  'hindi', 'hungarian', 'armenian', 'indonesian', 'irish', 'latvian', 'lithuanian', 'romanian', 'sorani', 'thai',
  'turkish', 'url_or_email', 'email', 'unicode_whitespace', 'classic', 'bengali', 'estonian',
]);

export function analyzerNames(): string[] {
  return [...ANALYZERS.keys()];
}

/** The analyzer called `name`; a clear error for Neo4j analyzers not provided and unknown names. */
export function analyzerNamed(name: string): Analyzer {
  const analyzer = ANALYZERS.get(name);
  if (analyzer !== undefined) return analyzer;
  if (LANGUAGE_ANALYZERS.has(name)) {
    throw new Neo4jError(Status.FeatureNotSupported,
      `The full-text analyzer '${name}' is not supported by Causeway yet; available: ${analyzerNames().join(', ')}.`);
  }
  throw new Neo4jError(Status.InvalidArguments, `Could not create fulltext analyzer: ${name}. Available analyzers: ${analyzerNames().join(', ')}.`);
}

export function isIdeographic(term: string): boolean {
  return IDEOGRAPHIC.test(term);
}
