// Cypher's three notions of sameness and order:
// - equality (`=`): ternary, null-propagating, 1 = 1.0, NaN <> NaN;
// - equivalence (DISTINCT, grouping): like equality but null ≡ null and NaN ≡ NaN;
// - orderability (ORDER BY): a total order across all types;
// - comparability (`<` etc.): defined only within a type family, otherwise null.

import {
  type CypherValue, DateTimeValue, DateValue, DurationValue, LocalDateTimeValue, LocalTimeValue,
  NodeValue, PathValue, PointValue, RelationshipValue, TimeValue,
} from './value.js';

export type Ternary = boolean | null;

/** Compares an integer and a float exactly (no precision loss for big integers). */
export function compareIntFloat(i: bigint, f: number): number {
  if (Number.isNaN(f)) return -1; // NaN sorts above every number
  if (f === Infinity) return -1;
  if (f === -Infinity) return 1;
  const fl = Math.floor(f);
  const fi = BigInt(fl);
  if (i < fi) return -1;
  if (i > fi) return 1;
  return fl === f ? 0 : -1;
}

function compareNumbers(a: bigint | number, b: bigint | number): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number' && typeof b === 'number') {
    const an = Number.isNaN(a), bn = Number.isNaN(b);
    if (an || bn) return an && bn ? 0 : an ? 1 : -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'bigint') return compareIntFloat(a, b as number);
  return -compareIntFloat(b as bigint, a);
}

function isNumber(v: CypherValue): v is bigint | number {
  return typeof v === 'bigint' || typeof v === 'number';
}

function compareStrings(a: string, b: string): number {
  // Code point order (Java compares UTF-16 units; they agree except across surrogates).
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `a = b` with Cypher's null semantics. */
export function cypherEquals(a: CypherValue, b: CypherValue): Ternary {
  if (a === null || b === null) return null;
  if (isNumber(a)) {
    if (!isNumber(b)) return false;
    if (typeof a === 'number' && Number.isNaN(a)) return false;
    if (typeof b === 'number' && Number.isNaN(b)) return false;
    return compareNumbers(a, b) === 0;
  }
  if (typeof a === 'string' || typeof a === 'boolean') return a === b;
  if (Array.isArray(a)) {
    if (!Array.isArray(b)) return false;
    if (a.length !== b.length) return false;
    let sawNull = false;
    for (let i = 0; i < a.length; i++) {
      const r = cypherEquals(a[i]!, b[i]!);
      if (r === false) return false;
      if (r === null) sawNull = true;
    }
    return sawNull ? null : true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map)) return false;
    if (a.size !== b.size) return false;
    for (const k of a.keys()) if (!b.has(k)) return false;
    let sawNull = false;
    for (const [k, v] of a) {
      const r = cypherEquals(v, b.get(k)!);
      if (r === false) return false;
      if (r === null) sawNull = true;
    }
    return sawNull ? null : true;
  }
  if (a instanceof NodeValue) return b instanceof NodeValue && a.id === b.id;
  if (a instanceof RelationshipValue) return b instanceof RelationshipValue && a.id === b.id;
  if (a instanceof PathValue) {
    if (!(b instanceof PathValue)) return false;
    if (a.nodes.length !== b.nodes.length) return false;
    for (let i = 0; i < a.nodes.length; i++) if (a.nodes[i]!.id !== b.nodes[i]!.id) return false;
    for (let i = 0; i < a.relationships.length; i++) if (a.relationships[i]!.id !== b.relationships[i]!.id) return false;
    return true;
  }
  if (a instanceof PointValue) {
    return b instanceof PointValue && a.srid === b.srid && a.x === b.x && a.y === b.y && (a.z ?? null) === (b.z ?? null);
  }
  if (a instanceof DurationValue) {
    return b instanceof DurationValue && a.months === b.months && a.days === b.days && a.seconds === b.seconds && a.nanoseconds === b.nanoseconds;
  }
  const ta = temporalRank(a), tb = temporalRank(b);
  if (ta >= 0) return ta === tb && compareTemporal(a, b) === 0 && temporalIdentical(a, b);
  return false;
}

function temporalIdentical(a: CypherValue, b: CypherValue): boolean {
  if (a instanceof TimeValue && b instanceof TimeValue) return a.offsetSeconds === b.offsetSeconds && a.nanoOfDay === b.nanoOfDay;
  if (a instanceof DateTimeValue && b instanceof DateTimeValue) return a.offsetSeconds === b.offsetSeconds && (a.zoneId ?? null) === (b.zoneId ?? null);
  return true;
}

/** Equivalence: grouping keys and DISTINCT. */
export function cypherEquivalent(a: CypherValue, b: CypherValue): boolean {
  return hashKey(a) === hashKey(b);
}

// Orderability ranks, ascending (Neo4j's global sort order); null sorts last.
function orderRank(v: CypherValue): number {
  if (v instanceof Map) return 0;
  if (v instanceof NodeValue) return 1;
  if (v instanceof RelationshipValue) return 2;
  if (Array.isArray(v)) return 3;
  if (v instanceof PathValue) return 4;
  if (v instanceof PointValue) return 5;
  if (v instanceof DateTimeValue) return 6;
  if (v instanceof LocalDateTimeValue) return 7;
  if (v instanceof DateValue) return 8;
  if (v instanceof TimeValue) return 9;
  if (v instanceof LocalTimeValue) return 10;
  if (v instanceof DurationValue) return 11;
  if (typeof v === 'string') return 12;
  if (typeof v === 'boolean') return 13;
  if (isNumber(v)) return 14;
  return 15; // null
}

function temporalRank(v: CypherValue): number {
  if (v instanceof DateTimeValue) return 6;
  if (v instanceof LocalDateTimeValue) return 7;
  if (v instanceof DateValue) return 8;
  if (v instanceof TimeValue) return 9;
  if (v instanceof LocalTimeValue) return 10;
  return -1;
}

function cmpBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Same-type temporal comparison by instant (zoned) or by local value. */
function compareTemporal(a: CypherValue, b: CypherValue): number {
  if (a instanceof DateValue && b instanceof DateValue) return cmpBig(a.epochDays, b.epochDays);
  if (a instanceof LocalTimeValue && b instanceof LocalTimeValue) return cmpBig(a.nanoOfDay, b.nanoOfDay);
  if (a instanceof TimeValue && b instanceof TimeValue) {
    const ua = a.nanoOfDay - BigInt(a.offsetSeconds) * 1_000_000_000n;
    const ub = b.nanoOfDay - BigInt(b.offsetSeconds) * 1_000_000_000n;
    return cmpBig(ua, ub) || cmpBig(a.nanoOfDay, b.nanoOfDay);
  }
  if (a instanceof LocalDateTimeValue && b instanceof LocalDateTimeValue) return cmpBig(a.epochSeconds, b.epochSeconds) || a.nanos - b.nanos;
  if (a instanceof DateTimeValue && b instanceof DateTimeValue) return cmpBig(a.epochSeconds, b.epochSeconds) || a.nanos - b.nanos;
  return 0;
}

function compareDurations(a: DurationValue, b: DurationValue): number {
  // Order only (durations are not comparable with `<`): approximate by average month length.
  const na = (a.months * 2629746n + a.days * 86400n + a.seconds) * 1_000_000_000n + BigInt(a.nanoseconds);
  const nb = (b.months * 2629746n + b.days * 86400n + b.seconds) * 1_000_000_000n + BigInt(b.nanoseconds);
  return cmpBig(na, nb) || cmpBig(a.months, b.months) || cmpBig(a.days, b.days) || cmpBig(a.seconds, b.seconds) || a.nanoseconds - b.nanoseconds;
}

/** Total order used by ORDER BY, min/max over mixed types, and sorting. */
export function orderCompare(a: CypherValue, b: CypherValue): number {
  const ra = orderRank(a), rb = orderRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0: return compareMapsOrder(a as Map<string, CypherValue>, b as Map<string, CypherValue>);
    case 1: return (a as NodeValue).id - (b as NodeValue).id;
    case 2: return (a as RelationshipValue).id - (b as RelationshipValue).id;
    case 3: return compareListsOrder(a as CypherValue[], b as CypherValue[]);
    case 4: {
      const pa = a as PathValue, pb = b as PathValue;
      const ea: CypherValue[] = [], eb: CypherValue[] = [];
      pathElements(pa, ea); pathElements(pb, eb);
      return compareListsOrder(ea, eb);
    }
    case 5: {
      const pa = a as PointValue, pb = b as PointValue;
      return pa.srid - pb.srid || compareNumbers(pa.x, pb.x) || compareNumbers(pa.y, pb.y) || compareNumbers(pa.z ?? 0, pb.z ?? 0);
    }
    case 11: return compareDurations(a as DurationValue, b as DurationValue);
    case 12: return compareStrings(a as string, b as string);
    case 13: return (a ? 1 : 0) - (b ? 1 : 0);
    case 14: return compareNumbers(a as bigint | number, b as bigint | number);
    case 15: return 0;
    default: return compareTemporal(a, b);
  }
}

function pathElements(p: PathValue, out: CypherValue[]): void {
  for (let i = 0; i < p.nodes.length; i++) {
    out.push(p.nodes[i]!);
    if (i < p.relationships.length) out.push(p.relationships[i]!);
  }
}

function compareListsOrder(a: readonly CypherValue[], b: readonly CypherValue[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = orderCompare(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function compareMapsOrder(a: Map<string, CypherValue>, b: Map<string, CypherValue>): number {
  const ka = [...a.keys()].sort(), kb = [...b.keys()].sort();
  const c = compareListsOrder(ka, kb);
  if (c !== 0) return c;
  for (const k of ka) {
    const d = orderCompare(a.get(k)!, b.get(k)!);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Comparability for `<`, `<=`, `>`, `>=`: returns the sign, or null when the values are not
 * comparable (different type families, null, NaN handled by the caller via isNaNCompare).
 */
export function cypherCompare(a: CypherValue, b: CypherValue): number | null {
  if (a === null || b === null) return null;
  if (isNumber(a) && isNumber(b)) {
    if ((typeof a === 'number' && Number.isNaN(a)) || (typeof b === 'number' && Number.isNaN(b))) return NaN;
    return compareNumbers(a, b);
  }
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return (a ? 1 : 0) - (b ? 1 : 0);
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const c = cypherCompare(a[i]!, b[i]!);
      if (c === null) return null;
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  const ta = temporalRank(a), tb = temporalRank(b);
  if (ta >= 0 && ta === tb) return compareTemporal(a, b);
  if (a instanceof PointValue && b instanceof PointValue) {
    if (a.srid !== b.srid) return null;
    const cx = compareNumbers(a.x, b.x), cy = compareNumbers(a.y, b.y);
    const cz = compareNumbers(a.z ?? 0, b.z ?? 0);
    if (cx === 0 && cy === 0 && cz === 0) return 0;
    if (cx <= 0 && cy <= 0 && cz <= 0) return -1;
    if (cx >= 0 && cy >= 0 && cz >= 0) return 1;
    return null;
  }
  return null;
}

/** A string that is equal for exactly the equivalent values (DISTINCT, grouping, hash joins). */
export function hashKey(v: CypherValue): string {
  if (v === null) return 'N';
  switch (typeof v) {
    case 'boolean': return v ? 'T' : 'F';
    case 'bigint': return 'n' + v.toString();
    case 'number': {
      if (Number.isInteger(v) && Math.abs(v) < 9.3e18) return 'n' + BigInt(v).toString();
      return 'f' + String(v);
    }
    case 'string': return 's' + JSON.stringify(v);
  }
  if (Array.isArray(v)) return '[' + v.map(hashKey).join(',') + ']';
  if (v instanceof Map) {
    const keys = [...v.keys()].sort();
    return '{' + keys.map((k) => JSON.stringify(k) + ':' + hashKey(v.get(k)!)).join(',') + '}';
  }
  if (v instanceof NodeValue) return 'V' + v.id;
  if (v instanceof RelationshipValue) return 'E' + v.id;
  if (v instanceof PathValue) {
    return 'P' + v.nodes.map((n) => n.id).join('.') + '/' + v.relationships.map((r) => r.id).join('.');
  }
  if (v instanceof PointValue) return `pt${v.srid}:${v.x}:${v.y}:${v.z ?? ''}`;
  if (v instanceof DurationValue) return `du${v.months}:${v.days}:${v.seconds}:${v.nanoseconds}`;
  if (v instanceof DateValue) return `d${v.epochDays}`;
  if (v instanceof LocalTimeValue) return `lt${v.nanoOfDay}`;
  if (v instanceof TimeValue) return `t${v.nanoOfDay}:${v.offsetSeconds}`;
  if (v instanceof LocalDateTimeValue) return `ldt${v.epochSeconds}:${v.nanos}`;
  if (v instanceof DateTimeValue) return `dt${v.epochSeconds}:${v.nanos}:${v.offsetSeconds}:${v.zoneId ?? ''}`;
  return '?';
}
