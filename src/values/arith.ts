// Cypher arithmetic: 64-bit integers (bigint, overflow is an error), IEEE floats, string and list
// concatenation, and temporal ± duration (delegated to the temporal module).

import { Neo4jError, Status, typeError } from '../core/errors.js';
import { typeName, formatValue } from './format.js';
import { type CypherValue, DurationValue, isTemporal } from './value.js';
import { temporalAdd, durationAdd, durationScale } from './temporal-arith.js';

const MAX_INT = (1n << 63n) - 1n;
const MIN_INT = -(1n << 63n);

export function checkedInt(v: bigint): bigint {
  if (v > MAX_INT || v < MIN_INT) throw new Neo4jError(Status.ArithmeticError, 'long overflow');
  return v;
}

function noOp(op: string, a: CypherValue, b: CypherValue): Neo4jError {
  return typeError(`Cannot ${op} \`${typeName(a)}\` and \`${typeName(b)}\` (${formatValue(a)}, ${formatValue(b)})`);
}

function isNum(v: CypherValue): v is bigint | number {
  return typeof v === 'bigint' || typeof v === 'number';
}

export function add(a: CypherValue, b: CypherValue): CypherValue {
  if (a === null || b === null) return null;
  if (typeof a === 'bigint' && typeof b === 'bigint') return checkedInt(a + b);
  if (isNum(a) && isNum(b)) return Number(a) + Number(b);
  if (Array.isArray(a)) return Array.isArray(b) ? [...a, ...b] : [...a, b];
  if (Array.isArray(b)) return [a, ...b];
  if (typeof a === 'string') {
    if (typeof b === 'string') return a + b;
    if (isNum(b) || typeof b === 'boolean') return a + stringForConcat(b);
  }
  if (typeof b === 'string' && (isNum(a) || typeof a === 'boolean')) return stringForConcat(a) + b;
  if (typeof a === 'string' && isTemporal(b)) return a + formatValue(b);
  if (typeof b === 'string' && isTemporal(a)) return formatValue(a) + b;
  if (a instanceof DurationValue && b instanceof DurationValue) return durationAdd(a, b, 1n);
  if (isTemporal(a) && b instanceof DurationValue) return temporalAdd(a, b, 1n);
  if (a instanceof DurationValue && isTemporal(b)) return temporalAdd(b, a, 1n);
  throw noOp('add', a, b);
}

function stringForConcat(v: bigint | number | boolean): string {
  return formatValue(v);
}

export function subtract(a: CypherValue, b: CypherValue): CypherValue {
  if (a === null || b === null) return null;
  if (typeof a === 'bigint' && typeof b === 'bigint') return checkedInt(a - b);
  if (isNum(a) && isNum(b)) return Number(a) - Number(b);
  if (a instanceof DurationValue && b instanceof DurationValue) return durationAdd(a, b, -1n);
  if (isTemporal(a) && b instanceof DurationValue) return temporalAdd(a, b, -1n);
  throw noOp('subtract', a, b);
}

export function multiply(a: CypherValue, b: CypherValue): CypherValue {
  if (a === null || b === null) return null;
  if (typeof a === 'bigint' && typeof b === 'bigint') return checkedInt(a * b);
  if (isNum(a) && isNum(b)) return Number(a) * Number(b);
  if (a instanceof DurationValue && isNum(b)) return durationScale(a, b, false);
  if (b instanceof DurationValue && isNum(a)) return durationScale(b, a, false);
  throw noOp('multiply', a, b);
}

export function divide(a: CypherValue, b: CypherValue): CypherValue {
  if (a === null || b === null) return null;
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    if (b === 0n) throw new Neo4jError(Status.ArithmeticError, '/ by zero');
    return checkedInt(a / b);
  }
  if (isNum(a) && isNum(b)) return Number(a) / Number(b);
  if (a instanceof DurationValue && isNum(b)) return durationScale(a, b, true);
  throw noOp('divide', a, b);
}

export function modulo(a: CypherValue, b: CypherValue): CypherValue {
  if (a === null || b === null) return null;
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    if (b === 0n) throw new Neo4jError(Status.ArithmeticError, '/ by zero');
    return a % b;
  }
  if (isNum(a) && isNum(b)) return Number(a) % Number(b);
  throw noOp('modulo', a, b);
}

export function power(a: CypherValue, b: CypherValue): CypherValue {
  if (a === null || b === null) return null;
  if (isNum(a) && isNum(b)) return Math.pow(Number(a), Number(b));
  throw noOp('raise', a, b);
}

export function negate(a: CypherValue): CypherValue {
  if (a === null) return null;
  if (typeof a === 'bigint') return checkedInt(-a);
  if (typeof a === 'number') return -a;
  if (a instanceof DurationValue) return durationScale(a, -1n, false);
  throw typeError(`Cannot negate \`${typeName(a)}\` (${formatValue(a)})`);
}
