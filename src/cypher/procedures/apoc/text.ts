// apoc.text.*: string helpers. Regular expressions are JavaScript's, which agree with Java's for
// the common syntax (classes, groups, quantifiers, anchors).

import { Neo4jError, Status } from '../../../core/errors.js';
import type { ScalarFunction } from '../../functions/types.js';
import { scalarToString } from '../../../values/format.js';
import type { CypherValue } from '../../../values/value.js';
import { fn, int, list, str } from './common.js';

function regex(name: string, pattern: string, flags = 'g'): RegExp {
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    throw new Neo4jError(Status.ArgumentError, `${name}: invalid regular expression '${pattern}': ${(error as Error).message}`);
  }
}

function words(text: string): string[] {
  return text.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0);
}

function capitalize(w: string): string {
  return w.length ? w[0]!.toUpperCase() + w.slice(1) : w;
}

function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

function clean(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9]/g, '').toLowerCase();
}

/** Java String.format for %s, %d, %f (with precision) and %%. */
export function javaFormat(format: string, params: readonly CypherValue[]): string {
  let i = 0;
  return format.replace(/%(\.\d+)?([sdf%n])/g, (_m, precision: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    if (conv === 'n') return '\n';
    const v = params[i++] ?? null;
    if (conv === 'f' && (typeof v === 'number' || typeof v === 'bigint')) return Number(v).toFixed(precision ? Number(precision.slice(1)) : 6);
    return v === null ? 'null' : scalarToString(v);
  });
}

const S = (name: string, v: CypherValue | undefined): string | null => str(name, v);

function pad(name: string, left: boolean) {
  return (a: readonly CypherValue[]): CypherValue => {
    const text = S(name, a[0]);
    if (text === null) return null;
    const count = int(name, a[1]);
    const filler = typeof a[2] === 'string' && a[2].length > 0 ? a[2] : ' ';
    if (text.length >= count) return text;
    const fill = filler.repeat(Math.ceil((count - text.length) / filler.length)).slice(0, count - text.length);
    return left ? fill + text : text + fill;
  };
}

export const textFunctions: ScalarFunction[] = [
  fn('apoc.text.join', 2, 2, (a) => { const xs = list('apoc.text.join', a[0]); return xs === null ? null : xs.map((x) => (x === null ? 'null' : scalarToString(x))).join(String(a[1] ?? '')); }),
  fn('apoc.text.split', 2, 3, (a) => {
    const text = S('apoc.text.split', a[0]); const pattern = S('apoc.text.split', a[1]);
    if (text === null || pattern === null) return null;
    const parts = text.split(regex('apoc.text.split', pattern));
    const limit = a[2] === undefined || a[2] === null ? 0 : int('apoc.text.split', a[2]);
    if (limit > 0 && parts.length > limit) return [...parts.slice(0, limit - 1), text.split(regex('apoc.text.split', pattern)).slice(limit - 1).join('')];
    while (limit === 0 && parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
    return parts;
  }),
  fn('apoc.text.replace', 3, 3, (a) => {
    const text = S('apoc.text.replace', a[0]);
    return text === null ? null : text.replace(regex('apoc.text.replace', String(a[1])), String(a[2] ?? '').replace(/\$(\d)/g, '$$$1'));
  }),
  fn('apoc.text.regreplace', 3, 3, (a) => { const text = S('apoc.text.regreplace', a[0]); return text === null ? null : text.replace(regex('apoc.text.regreplace', String(a[1])), String(a[2] ?? '')); }),
  fn('apoc.text.regexGroups', 2, 2, (a) => {
    const text = S('apoc.text.regexGroups', a[0]);
    if (text === null) return null;
    return [...text.matchAll(regex('apoc.text.regexGroups', String(a[1])))].map((m) => [...m].map((g) => g ?? null));
  }),
  fn('apoc.text.capitalize', 1, 1, (a) => { const t = S('apoc.text.capitalize', a[0]); return t === null ? null : capitalize(t); }),
  fn('apoc.text.capitalizeAll', 1, 1, (a) => { const t = S('apoc.text.capitalizeAll', a[0]); return t === null ? null : t.replace(/\b\w/g, (c) => c.toUpperCase()); }),
  fn('apoc.text.decapitalize', 1, 1, (a) => { const t = S('apoc.text.decapitalize', a[0]); return t === null ? null : (t.length ? t[0]!.toLowerCase() + t.slice(1) : t); }),
  fn('apoc.text.decapitalizeAll', 1, 1, (a) => { const t = S('apoc.text.decapitalizeAll', a[0]); return t === null ? null : t.replace(/\b\w/g, (c) => c.toLowerCase()); }),
  fn('apoc.text.camelCase', 1, 1, (a) => { const t = S('apoc.text.camelCase', a[0]); if (t === null) return null; const w = words(t).map((x) => x.toLowerCase()); return w.map((x, i) => (i === 0 ? x : capitalize(x))).join(''); }),
  fn('apoc.text.upperCamelCase', 1, 1, (a) => { const t = S('apoc.text.upperCamelCase', a[0]); return t === null ? null : words(t).map((x) => capitalize(x.toLowerCase())).join(''); }),
  fn('apoc.text.snakeCase', 1, 1, (a) => { const t = S('apoc.text.snakeCase', a[0]); return t === null ? null : words(t).map((x) => x.toLowerCase()).join('-'); }),
  fn('apoc.text.toUpperCase', 1, 1, (a) => { const t = S('apoc.text.toUpperCase', a[0]); return t === null ? null : words(t).map((x) => x.toUpperCase()).join('_'); }),
  fn('apoc.text.lpad', 2, 3, pad('apoc.text.lpad', true)),
  fn('apoc.text.rpad', 2, 3, pad('apoc.text.rpad', false)),
  fn('apoc.text.format', 1, 2, (a) => { const t = S('apoc.text.format', a[0]); return t === null ? null : javaFormat(t, list('apoc.text.format', a[1]) ?? []); }),
  fn('apoc.text.clean', 1, 1, (a) => { const t = S('apoc.text.clean', a[0]); return t === null ? null : clean(t); }),
  fn('apoc.text.compareCleaned', 2, 2, (a) => { const x = S('apoc.text.compareCleaned', a[0]); const y = S('apoc.text.compareCleaned', a[1]); return x === null || y === null ? false : clean(x) === clean(y); }),
  fn('apoc.text.distance', 2, 2, (a) => { const x = S('apoc.text.distance', a[0]); const y = S('apoc.text.distance', a[1]); return x === null || y === null ? null : BigInt(levenshtein(x, y)); }),
  fn('apoc.text.levenshteinDistance', 2, 2, (a) => { const x = S('apoc.text.levenshteinDistance', a[0]); const y = S('apoc.text.levenshteinDistance', a[1]); return x === null || y === null ? null : BigInt(levenshtein(x, y)); }),
  fn('apoc.text.levenshteinSimilarity', 2, 2, (a) => {
    const x = S('apoc.text.levenshteinSimilarity', a[0]); const y = S('apoc.text.levenshteinSimilarity', a[1]);
    if (x === null || y === null) return null;
    const longest = Math.max(x.length, y.length);
    return longest === 0 ? 1.0 : 1 - levenshtein(x, y) / longest;
  }),
  fn('apoc.text.hammingDistance', 2, 2, (a) => {
    const x = S('apoc.text.hammingDistance', a[0]) ?? ''; const y = S('apoc.text.hammingDistance', a[1]) ?? '';
    if (x.length !== y.length) throw new Neo4jError(Status.ArgumentError, 'apoc.text.hammingDistance needs strings of the same length');
    let d = 0;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) d++;
    return BigInt(d);
  }),
  fn('apoc.text.indexOf', 2, 4, (a) => {
    const t = S('apoc.text.indexOf', a[0]); const l = S('apoc.text.indexOf', a[1]);
    if (t === null || l === null) return null;
    const from = int('apoc.text.indexOf', a[2], 0); const to = int('apoc.text.indexOf', a[3], -1);
    const i = (to < 0 ? t : t.slice(0, to)).indexOf(l, from);
    return BigInt(i);
  }),
  fn('apoc.text.indexesOf', 2, 4, (a) => {
    const t = S('apoc.text.indexesOf', a[0]); const l = S('apoc.text.indexesOf', a[1]);
    if (t === null || l === null || l === '') return null;
    const out: CypherValue[] = [];
    for (let i = t.indexOf(l, int('apoc.text.indexesOf', a[2], 0)); i >= 0; i = t.indexOf(l, i + 1)) out.push(BigInt(i));
    return out;
  }),
  fn('apoc.text.slug', 1, 2, (a) => { const t = S('apoc.text.slug', a[0]); return t === null ? null : t.trim().split(/[^\p{L}\p{N}]+/u).filter((x) => x).join(typeof a[1] === 'string' ? a[1] : '-'); }),
  fn('apoc.text.urlencode', 1, 1, (a) => { const t = S('apoc.text.urlencode', a[0]); return t === null ? null : encodeURIComponent(t).replace(/%20/g, '+'); }),
  fn('apoc.text.urldecode', 1, 1, (a) => { const t = S('apoc.text.urldecode', a[0]); return t === null ? null : decodeURIComponent(t.replace(/\+/g, ' ')); }),
  fn('apoc.text.repeat', 2, 2, (a) => { const t = S('apoc.text.repeat', a[0]); return t === null ? null : t.repeat(Math.max(0, int('apoc.text.repeat', a[1]))); }),
  fn('apoc.text.byteCount', 1, 2, (a) => { const t = S('apoc.text.byteCount', a[0]); return t === null ? null : BigInt(new TextEncoder().encode(t).length); }),
  fn('apoc.text.code', 1, 1, (a) => (a[0] === null ? null : String.fromCodePoint(int('apoc.text.code', a[0])))),
  fn('apoc.text.charAt', 2, 2, (a) => { const t = S('apoc.text.charAt', a[0]); if (t === null) return null; const c = t.codePointAt(int('apoc.text.charAt', a[1])); return c === undefined ? null : BigInt(c); }),
  fn('apoc.text.base64Encode', 1, 1, (a) => { const t = S('apoc.text.base64Encode', a[0]); return t === null ? null : btoa(String.fromCharCode(...new TextEncoder().encode(t))); }),
  fn('apoc.text.base64Decode', 1, 1, (a) => { const t = S('apoc.text.base64Decode', a[0]); return t === null ? null : new TextDecoder().decode(Uint8Array.from(atob(t), (c) => c.charCodeAt(0))); }),
];
