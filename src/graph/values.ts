// Property-value helpers for the storage engine: a canonical key that realises Cypher equality
// for index lookups and uniqueness (integer 1 equals float 1.0, lists compare element-wise), and
// the value rendering Neo4j uses in constraint-violation messages.

import {
  DateTimeValue, DateValue, DurationValue, LocalDateTimeValue, LocalTimeValue, PointValue, TimeValue,
  type PropertyValue,
} from '../values/value.js';

const INT64_LIMIT = 2 ** 63;

/**
 * A string that is equal for two property values exactly when Cypher's `=` says they are equal,
 * or null when the value can never be equal to anything (it contains NaN). Each component is
 * self-delimiting, so concatenating keys of a fixed number of values is unambiguous.
 */
export function canonicalKey(value: PropertyValue): string | null {
  switch (typeof value) {
    case 'boolean':
      return value ? 'T' : 'F';
    case 'bigint':
      return `i${value};`;
    case 'number':
      if (Number.isNaN(value)) return null;
      // Integral floats meet integers of the same value; -0.0 meets 0.
      if (Number.isInteger(value) && Math.abs(value) < INT64_LIMIT) return `i${BigInt(value)};`;
      return `f${value};`;
    case 'string':
      return `s${value.length}:${value}`;
    default:
      break;
  }
  if (Array.isArray(value)) {
    let out = `l${value.length}[`;
    for (const element of value) {
      const key = canonicalKey(element);
      if (key === null) return null;
      out += key;
    }
    return out;
  }
  if (value instanceof DateValue) return `D${value.epochDays};`;
  if (value instanceof LocalTimeValue) return `t${value.nanoOfDay};`;
  if (value instanceof TimeValue) return `U${value.nanoOfDay},${value.offsetSeconds};`;
  if (value instanceof LocalDateTimeValue) return `d${value.epochSeconds},${value.nanos};`;
  if (value instanceof DateTimeValue) {
    const zone = value.zoneId ?? '';
    return `Z${value.epochSeconds},${value.nanos},${value.offsetSeconds},${zone.length}:${zone}`;
  }
  if (value instanceof DurationValue) return `P${value.months},${value.days},${value.seconds},${value.nanoseconds};`;
  if (value instanceof PointValue) {
    if (Number.isNaN(value.x) || Number.isNaN(value.y) || (value.z !== undefined && Number.isNaN(value.z))) return null;
    return `p${value.srid},${value.x},${value.y}${value.z === undefined ? '' : `,${value.z}`};`;
  }
  throw new Error(`invariant violated: not a property value: ${String(value)}`);
}

/** Canonical key of several values (a composite index entry), or null if any is NaN-like. */
export function canonicalKeyOf(values: readonly PropertyValue[]): string | null {
  let out = '';
  for (const value of values) {
    const key = canonicalKey(value);
    if (key === null) return null;
    out += key;
  }
  return out;
}

/**
 * The value a single-value canonical key stands for, when it is a boolean, number or string;
 * undefined for any other kind (the caller reads the node instead). An integral float decodes
 * as the integer it equals, which compares and matches the same in Cypher.
 */
export function decodeScalarKey(key: string): PropertyValue | undefined {
  switch (key[0]) {
    case 'T': return key.length === 1 ? true : undefined;
    case 'F': return key.length === 1 ? false : undefined;
    case 'i': return key.endsWith(';') && key.indexOf(';') === key.length - 1 ? BigInt(key.slice(1, -1)) : undefined;
    case 'f': return key.endsWith(';') && key.indexOf(';') === key.length - 1 ? Number(key.slice(1, -1)) : undefined;
    case 's': {
      const colon = key.indexOf(':');
      const text = key.slice(colon + 1);
      return colon > 1 && String(text.length) === key.slice(1, colon) ? text : undefined;
    }
    default: return undefined;
  }
}

/** Cypher equality between two stored property values. */
export function propertyEquals(a: PropertyValue, b: PropertyValue): boolean {
  const ka = canonicalKey(a);
  return ka !== null && ka === canonicalKey(b);
}

/** Renders a value the way Neo4j prints it inside schema error messages ('Tom Hanks', 42, [1, 2]). */
export function renderValue(value: PropertyValue): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(1) : String(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(renderValue).join(', ')}]`;
  if (value instanceof PointValue) {
    return value.z === undefined
      ? `point({srid: ${value.srid}, x: ${value.x}, y: ${value.y}})`
      : `point({srid: ${value.srid}, x: ${value.x}, y: ${value.y}, z: ${value.z}})`;
  }
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
