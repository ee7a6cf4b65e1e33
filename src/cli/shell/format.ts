// Renders query results the way cypher-shell prints them. Values arrive as neo4j-driver values
// (Integer objects for Cypher integers, JS numbers for floats), so int/float stay distinguishable.
// Plain: header `a, b` and one line per row. Verbose: a bordered table plus the row count,
// timing line and update statistics.

import neo4j from 'neo4j-driver';

type DriverValue = unknown;

/** Java's Double.toString, which cypher-shell's output inherits: 1.0, 1.0E7, 1.0E-4, NaN, Infinity. */
export function formatFloat(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissaRaw, exponentRaw] = d.toExponential().split('e') as [string, string];
  const mantissa = mantissaRaw.includes('.') ? mantissaRaw : `${mantissaRaw}.0`;
  return `${mantissa}E${exponentRaw.startsWith('+') ? exponentRaw.slice(1) : exponentRaw}`;
}

export function quoteString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function formatKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : `\`${key.replace(/`/g, '``')}\``;
}

function formatProperties(props: Record<string, DriverValue>): string {
  const keys = Object.keys(props);
  if (keys.length === 0) return '';
  return ` {${keys.map((k) => `${formatKey(k)}: ${formatValue(props[k])}`).join(', ')}}`;
}

function formatNode(node: { labels: string[]; properties: Record<string, DriverValue> }): string {
  const labels = node.labels.map((l) => `:${formatKey(l)}`).join('');
  return `(${labels}${formatProperties(node.properties)})`;
}

function formatRelationship(rel: { type: string; properties: Record<string, DriverValue> }): string {
  return `[:${formatKey(rel.type)}${formatProperties(rel.properties)}]`;
}

interface PathLike {
  start: { labels: string[]; properties: Record<string, DriverValue>; elementId: string };
  segments: { start: { elementId: string }; relationship: { type: string; properties: Record<string, DriverValue>; startNodeElementId: string }; end: { labels: string[]; properties: Record<string, DriverValue>; elementId: string } }[];
}

function formatPath(path: PathLike): string {
  let out = formatNode(path.start);
  for (const segment of path.segments) {
    const forward = segment.relationship.startNodeElementId === segment.start.elementId;
    const rel = formatRelationship(segment.relationship);
    out += forward ? `-${rel}->` : `<-${rel}-`;
    out += formatNode(segment.end);
  }
  return out;
}

function formatPoint(p: { srid: unknown; x: number; y: number; z?: number }): string {
  const srid = neo4j.isInt(p.srid) ? String(p.srid) : String(p.srid);
  const z = p.z === undefined ? '' : `, z:${formatFloat(p.z)}`;
  return `point({srid:${srid}, x:${formatFloat(p.x)}, y:${formatFloat(p.y)}${z}})`;
}

/** One value in cypher-shell's rendering. */
export function formatValue(value: DriverValue): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return quoteString(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return formatFloat(value);
  if (typeof value === 'bigint') return value.toString();
  if (neo4j.isInt(value)) return value.toString();
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (neo4j.isNode(value)) return formatNode(value as never);
  if (neo4j.isRelationship(value)) return formatRelationship(value as never);
  if (neo4j.isPath(value)) return formatPath(value as never);
  if (neo4j.isPoint(value)) return formatPoint(value as never);
  if (
    neo4j.isDate(value) || neo4j.isDateTime(value) || neo4j.isLocalDateTime(value) ||
    neo4j.isTime(value) || neo4j.isLocalTime(value) || neo4j.isDuration(value)
  ) {
    return String(value);
  }
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, DriverValue>);
    return `{${entries.map(([k, v]) => `${formatKey(k)}: ${formatValue(v)}`).join(', ')}}`;
  }
  return String(value);
}

export interface ResultToFormat {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly DriverValue[])[];
  /** summary.resultAvailableAfter / resultConsumedAfter, in ms */
  readonly availableAfterMs: number;
  readonly consumedAfterMs: number;
  readonly updates: Readonly<Record<string, number>>;
}

/** cypher-shell plain: header and rows, comma separated; like cypher-shell, nothing at all without rows. */
export function formatPlain(result: ResultToFormat): string {
  if (result.columns.length === 0 || result.rows.length === 0) return '';
  const lines = [result.columns.join(', ')];
  for (const row of result.rows) lines.push(row.map(formatValue).join(', '));
  return lines.join('\n') + '\n';
}

const STATISTICS: readonly [string, string][] = [
  ['nodesCreated', 'Added %d nodes'],
  ['nodesDeleted', 'Deleted %d nodes'],
  ['relationshipsCreated', 'Created %d relationships'],
  ['relationshipsDeleted', 'Deleted %d relationships'],
  ['propertiesSet', 'Set %d properties'],
  ['labelsAdded', 'Added %d labels'],
  ['labelsRemoved', 'Removed %d labels'],
  ['indexesAdded', 'Added %d indexes'],
  ['indexesRemoved', 'Removed %d indexes'],
  ['constraintsAdded', 'Added %d constraints'],
  ['constraintsRemoved', 'Removed %d constraints'],
];

export function formatStatistics(updates: Readonly<Record<string, number>>): string {
  const parts: string[] = [];
  for (const [key, template] of STATISTICS) {
    const n = updates[key] ?? 0;
    if (n > 0) parts.push(template.replace('%d', String(n)));
  }
  return parts.join(', ');
}

/** cypher-shell verbose: a table with one continuous `+---+` rule, then the summary lines. */
export function formatVerbose(result: ResultToFormat): string {
  const out: string[] = [];
  if (result.columns.length > 0) {
    const cells = result.rows.map((row) => row.map(formatValue));
    const widths = result.columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? '').length)));
    const line = (values: readonly string[]): string => `| ${values.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' | ')} |`;
    const innerWidth = widths.reduce((sum, w) => sum + w, 0) + 3 * (widths.length - 1) + 2;
    const rule = `+${'-'.repeat(innerWidth)}+`;
    out.push(rule, line(result.columns), rule);
    for (const row of cells) out.push(line(row));
    out.push(rule);
    out.push('');
  }
  const n = result.rows.length;
  out.push(`${n} ${n === 1 ? 'row' : 'rows'}`);
  out.push(`ready to start consuming query after ${result.availableAfterMs} ms, results consumed after another ${result.consumedAfterMs} ms`);
  const stats = formatStatistics(result.updates);
  if (stats !== '') out.push(stats);
  return out.join('\n') + '\n';
}
