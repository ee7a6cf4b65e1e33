// Text forms of values as Neo4j prints them: toString() results, error messages, and type names.

import {
  type CypherValue, DateTimeValue, DateValue, DurationValue, LocalDateTimeValue, LocalTimeValue,
  NodeValue, PathValue, PointValue, RelationshipValue, TimeValue,
} from './value.js';
import { formatTemporal } from './temporal.js';

/** Java's Double.toString: plain between 1e-3 and 1e7, otherwise computerized scientific. */
export function formatFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return 'Infinity';
  if (f === -Infinity) return '-Infinity';
  if (f === 0) return Object.is(f, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(f);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(f);
    return s.includes('.') ? s : s + '.0';
  }
  const exp = f.toExponential(); // like "1.2345e+21"
  const [mant, e] = exp.split('e') as [string, string];
  const m = mant.includes('.') ? mant : mant + '.0';
  const ev = e.startsWith('+') ? e.slice(1) : e;
  return `${m}E${ev}`;
}

/** The toString() function: scalars only, as Neo4j renders them. */
export function scalarToString(v: CypherValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return formatFloat(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return formatValue(v);
}

/** A readable literal-like rendering (used in messages and for nested values). */
export function formatValue(v: CypherValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return formatFloat(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return '[' + v.map(formatValue).join(', ') + ']';
  if (v instanceof Map) return '{' + [...v].map(([k, x]) => `${k}: ${formatValue(x)}`).join(', ') + '}';
  if (v instanceof NodeValue) {
    const props = v.properties.size ? ' ' + formatValue(v.properties) : '';
    return `(${v.labels.map((l) => ':' + l).join('')}${props})`;
  }
  if (v instanceof RelationshipValue) {
    const props = v.properties.size ? ' ' + formatValue(v.properties) : '';
    return `[:${v.type}${props}]`;
  }
  if (v instanceof PathValue) {
    let s = formatValue(v.nodes[0]!);
    for (let i = 0; i < v.relationships.length; i++) {
      const r = v.relationships[i]!;
      const fwd = r.startId === v.nodes[i]!.id;
      s += (fwd ? '-' : '<-') + formatValue(r) + (fwd ? '->' : '-') + formatValue(v.nodes[i + 1]!);
    }
    return '<' + s + '>';
  }
  if (v instanceof PointValue) {
    const crs = v.srid === 4326 || v.srid === 4979 ? 'wgs-84' : 'cartesian';
    const is3d = v.z !== undefined;
    const coords = is3d ? `x: ${formatFloat(v.x)}, y: ${formatFloat(v.y)}, z: ${formatFloat(v.z!)}` : `x: ${formatFloat(v.x)}, y: ${formatFloat(v.y)}`;
    return `point({${coords}, crs: '${crs}${is3d ? '-3d' : ''}'})`;
  }
  return formatTemporal(v);
}

/** Neo4j's type names as used in TypeError messages. */
export function typeName(v: CypherValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return 'String';
  if (typeof v === 'bigint') return 'Integer';
  if (typeof v === 'number') return 'Float';
  if (typeof v === 'boolean') return 'Boolean';
  if (Array.isArray(v)) return 'List';
  if (v instanceof Map) return 'Map';
  if (v instanceof NodeValue) return 'Node';
  if (v instanceof RelationshipValue) return 'Relationship';
  if (v instanceof PathValue) return 'Path';
  if (v instanceof PointValue) return 'Point';
  if (v instanceof DateValue) return 'Date';
  if (v instanceof LocalTimeValue) return 'LocalTime';
  if (v instanceof TimeValue) return 'Time';
  if (v instanceof LocalDateTimeValue) return 'LocalDateTime';
  if (v instanceof DateTimeValue) return 'DateTime';
  if (v instanceof DurationValue) return 'Duration';
  return 'Any';
}
