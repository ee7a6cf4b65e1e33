// String, list and numeric functions.

import { Neo4jError, Status, detailedError } from '../../core/errors.js';
import { checkedInt } from '../../values/arith.js';
import type { CypherValue } from '../../values/value.js';
import { argError } from './scalar.js';
import type { ScalarFunction } from './types.js';

function str(fn: string, v: CypherValue): string {
  if (typeof v !== 'string') throw argError(fn, 'a String', v);
  return v;
}
function int(fn: string, v: CypherValue): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  throw argError(fn, 'an Integer', v);
}
function num(fn: string, v: CypherValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  throw argError(fn, 'a number', v);
}

/** Functions returning null when any argument is null. */
function strict(name: string, minArgs: number, maxArgs: number, impl: (a: readonly CypherValue[]) => CypherValue): ScalarFunction {
  return { name, minArgs, maxArgs, impl: (a) => (a.some((x) => x === null) ? null : impl(a)) };
}

function trimChars(s: string, chars: string | null, left: boolean, right: boolean): string {
  const isTrim = (c: string) => (chars === null ? /\s/.test(c) : chars.includes(c));
  let i = 0, j = s.length;
  if (left) while (i < j && isTrim(s[i]!)) i++;
  if (right) while (j > i && isTrim(s[j - 1]!)) j--;
  return s.slice(i, j);
}

function mathFn(name: string, f: (x: number) => number): ScalarFunction {
  return strict(name, 1, 1, (a) => f(num(name, a[0]!)));
}

function roundHalfUp(x: number, precision: number, mode: string): number {
  if (!Number.isFinite(x)) return x;
  const factor = Math.pow(10, precision);
  const scaled = x * factor;
  // Correct for binary representation noise (e.g. 2.675 * 100 = 267.49999…).
  const nudged = Number(scaled.toPrecision(15));
  let r: number;
  switch (mode) {
    case 'UP': r = nudged < 0 ? Math.floor(nudged) : Math.ceil(nudged); break;
    case 'DOWN': r = Math.trunc(nudged); break;
    case 'CEILING': r = Math.ceil(nudged); break;
    case 'FLOOR': r = Math.floor(nudged); break;
    case 'HALF_DOWN': r = Math.sign(nudged) * Math.ceil(Math.abs(nudged) - 0.5); break;
    case 'HALF_EVEN': {
      const fl = Math.floor(nudged), diff = nudged - fl;
      r = diff > 0.5 ? fl + 1 : diff < 0.5 ? fl : (fl % 2 === 0 ? fl : fl + 1);
      break;
    }
    default: r = Math.sign(nudged) * Math.floor(Math.abs(nudged) + 0.5);
  }
  return r / factor;
}

export const stringMathFunctions: ScalarFunction[] = [
  strict('toLower', 1, 1, (a) => str('toLower', a[0]!).toLowerCase()),
  strict('lower', 1, 1, (a) => str('lower', a[0]!).toLowerCase()),
  strict('toUpper', 1, 1, (a) => str('toUpper', a[0]!).toUpperCase()),
  strict('upper', 1, 1, (a) => str('upper', a[0]!).toUpperCase()),
  strict('trim', 1, 1, (a) => trimChars(str('trim', a[0]!), null, true, true)),
  strict('ltrim', 1, 2, (a) => trimChars(str('ltrim', a[0]!), a[1] === undefined ? null : str('ltrim', a[1]), true, false)),
  strict('rtrim', 1, 2, (a) => trimChars(str('rtrim', a[0]!), a[1] === undefined ? null : str('rtrim', a[1]), false, true)),
  strict('btrim', 1, 2, (a) => trimChars(str('btrim', a[0]!), a[1] === undefined ? null : str('btrim', a[1]), true, true)),
  strict('split', 2, 2, (a) => {
    const s = str('split', a[0]!);
    const d = a[1]!;
    const delims = Array.isArray(d) ? d.map((x) => str('split', x)) : [str('split', d)];
    if (delims.length === 1) {
      if (delims[0] === '') return [...s];
      return s.split(delims[0]!);
    }
    const parts: string[] = [];
    let cur = '';
    for (let i = 0; i < s.length;) {
      const hit = delims.find((x) => x.length > 0 && s.startsWith(x, i));
      if (hit !== undefined) { parts.push(cur); cur = ''; i += hit.length; } else { cur += s[i]; i++; }
    }
    parts.push(cur);
    return parts;
  }),
  strict('substring', 2, 3, (a) => {
    const s = str('substring', a[0]!);
    const start = Number(int('substring', a[1]!));
    if (start < 0) throw new Neo4jError(Status.ArgumentError, `Invalid input for function 'substring()': start must be non-negative`);
    if (a.length > 2) {
      const len = Number(int('substring', a[2]!));
      if (len < 0) throw new Neo4jError(Status.ArgumentError, `Invalid input for function 'substring()': length must be non-negative`);
      return [...s].slice(start, start + len).join('');
    }
    return [...s].slice(start).join('');
  }),
  strict('left', 2, 2, (a) => {
    const n = Number(int('left', a[1]!));
    if (n < 0) throw new Neo4jError(Status.ArgumentError, `Invalid input for function 'left()': length must be non-negative`);
    return [...str('left', a[0]!)].slice(0, n).join('');
  }),
  strict('right', 2, 2, (a) => {
    const cps = [...str('right', a[0]!)];
    const n = Number(int('right', a[1]!));
    if (n < 0) throw new Neo4jError(Status.ArgumentError, `Invalid input for function 'right()': length must be non-negative`);
    return n >= cps.length ? cps.join('') : cps.slice(cps.length - n).join('');
  }),
  strict('replace', 3, 3, (a) => str('replace', a[0]!).split(str('replace', a[1]!)).join(str('replace', a[2]!))),
  strict('reverse', 1, 1, (a) => {
    const v = a[0]!;
    if (typeof v === 'string') return [...v].reverse().join('');
    if (Array.isArray(v)) return [...v].reverse();
    throw argError('reverse', 'a String or List', v);
  }),
  strict('normalize', 1, 2, (a) => str('normalize', a[0]!).normalize((a[1] as string | undefined) as 'NFC' ?? 'NFC')),
  {
    name: 'range', minArgs: 2, maxArgs: 3, impl: (a, ctx) => {
      const strictInt = (v: CypherValue): bigint => {
        if (typeof v === 'bigint') return v;
        throw detailedError(Status.ArgumentError, `Invalid input for function 'range()': Expected an Integer, but got: ${String(v)}`, 'InvalidArgumentType');
      };
      const start = strictInt(a[0]!), end = strictInt(a[1]!);
      const step = a.length > 2 ? strictInt(a[2]!) : 1n;
      if (step === 0n) throw detailedError(Status.ArgumentError, 'Step argument to range() cannot be zero', 'NumberOutOfRange');
      const out: bigint[] = [];
      const count = step > 0n ? (end >= start ? (end - start) / step + 1n : 0n) : (start >= end ? (start - end) / -step + 1n : 0n);
      if (count > 10_000_000n) throw new Neo4jError(Status.ArgumentError, 'range() would produce too many elements');
      // each item: a slot and a boxed integer; checked against the memory limit before it is built
      if (count >= 1024n) ctx.memory?.check(32 + Number(count) * 32);
      for (let i = 0n, v = start; i < count; i++, v += step) out.push(v);
      return out;
    },
  },
  strict('abs', 1, 1, (a) => {
    const v = a[0]!;
    if (typeof v === 'bigint') return checkedInt(v < 0n ? -v : v);
    return Math.abs(num('abs', v));
  }),
  mathFn('ceil', Math.ceil),
  mathFn('floor', Math.floor),
  strict('round', 1, 3, (a) => {
    const x = num('round', a[0]!);
    const precision = a.length > 1 ? Number(int('round', a[1]!)) : 0;
    const mode = a.length > 2 ? str('round', a[2]!).toUpperCase() : 'HALF_UP';
    return roundHalfUp(x, precision, mode);
  }),
  strict('sign', 1, 1, (a) => {
    const v = a[0]!;
    if (typeof v === 'bigint') return v > 0n ? 1n : v < 0n ? -1n : 0n;
    const n = num('sign', v);
    return BigInt(n > 0 ? 1 : n < 0 ? -1 : 0);
  }),
  { name: 'rand', minArgs: 0, maxArgs: 0, deterministic: false, impl: (_a, ctx) => ctx.random() },
  mathFn('sqrt', Math.sqrt),
  mathFn('exp', Math.exp),
  mathFn('log', Math.log),
  mathFn('log10', Math.log10),
  mathFn('sin', Math.sin),
  mathFn('cos', Math.cos),
  mathFn('tan', Math.tan),
  mathFn('cot', (x) => 1 / Math.tan(x)),
  mathFn('asin', Math.asin),
  mathFn('acos', Math.acos),
  mathFn('atan', Math.atan),
  mathFn('sinh', Math.sinh),
  mathFn('cosh', Math.cosh),
  mathFn('tanh', Math.tanh),
  mathFn('coth', (x) => 1 / Math.tanh(x)),
  strict('atan2', 2, 2, (a) => Math.atan2(num('atan2', a[0]!), num('atan2', a[1]!))),
  mathFn('degrees', (x) => (x * 180) / Math.PI),
  mathFn('radians', (x) => (x * Math.PI) / 180),
  mathFn('haversin', (x) => (1 - Math.cos(x)) / 2),
  strict('isNaN', 1, 1, (a) => { const v = a[0]!; return typeof v === 'number' && Number.isNaN(num('isNaN', v)); }),
  { name: 'e', minArgs: 0, maxArgs: 0, impl: () => Math.E },
  { name: 'pi', minArgs: 0, maxArgs: 0, impl: () => Math.PI },
];
