// apoc.date.*: epoch numbers <-> text with Java's SimpleDateFormat letters (y M d H h m s S a E
// X Z z and quoted literals), in UTC, a fixed offset or an IANA zone, plus unit conversions.

import { Neo4jError, Status } from '../../../core/errors.js';
import type { ScalarFunction } from '../../functions/types.js';
import type { CypherValue } from '../../../values/value.js';
import { fn } from './common.js';

const UNIT_MS: Record<string, number> = {
  ms: 1, milli: 1, millis: 1, milliseconds: 1, s: 1000, second: 1000, seconds: 1000, m: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hour: 3_600_000, hours: 3_600_000, d: 86_400_000, day: 86_400_000, days: 86_400_000,
};

function unitMs(name: string, unit: CypherValue | undefined): number {
  const u = typeof unit === 'string' ? unit.toLowerCase() : 'ms';
  const ms = UNIT_MS[u];
  if (ms === undefined) throw new Neo4jError(Status.ArgumentError, `${name}: unsupported time unit '${String(unit)}'`);
  return ms;
}

/** The zone's offset from UTC at `epochMs`, in minutes. */
function offsetMinutes(name: string, zone: string, epochMs: number): number {
  if (zone === 'UTC' || zone === 'Z' || zone === 'GMT') return 0;
  const fixed = /^(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?$/.exec(zone);
  if (fixed) return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3] ?? 0));
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
      .formatToParts(new Date(epochMs));
    const get = (t: string): number => Number(parts.find((p) => p.type === t)!.value);
    const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 60_000);
  } catch {
    throw new Neo4jError(Status.ArgumentError, `${name}: unknown time zone '${zone}'`);
  }
}

const NAMED_FORMATS: Record<string, string> = {
  iso_date_time: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", iso_offset_date_time: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", iso_instant: "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'",
  iso_local_date_time: "yyyy-MM-dd'T'HH:mm:ss.SSS", iso_date: 'yyyy-MM-dd', iso_local_date: 'yyyy-MM-dd', iso_time: 'HH:mm:ss.SSSXXX',
  iso_local_time: 'HH:mm:ss.SSS', basic_iso_date: 'yyyyMMdd', date: 'yyyy-MM-dd', date_time: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
};

type Token = { literal: string } | { letter: string; count: number };

function tokenize(pattern: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i]!;
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      const text = end < 0 ? pattern.slice(i + 1) : pattern.slice(i + 1, end);
      out.push({ literal: text === '' ? "'" : text });
      i = end < 0 ? pattern.length : end + 1;
    } else if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (pattern[j] === c) j++;
      out.push({ letter: c, count: j - i });
      i = j;
    } else {
      out.push({ literal: c });
      i++;
    }
  }
  return out;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function pad(n: number, width: number): string {
  return String(Math.abs(n)).padStart(width, '0');
}

function offsetText(minutes: number, count: number, letter: string): string {
  if (minutes === 0 && letter === 'X') return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const h = pad(Math.floor(Math.abs(minutes) / 60), 2), m = pad(Math.abs(minutes) % 60, 2);
  if (letter === 'Z') return `${sign}${h}${m}`;
  return count === 1 ? `${sign}${h}` : count === 2 ? `${sign}${h}${m}` : `${sign}${h}:${m}`;
}

export function formatEpochMs(name: string, epochMs: number, pattern: string, zone: string): string {
  const offset = offsetMinutes(name, zone, epochMs);
  const d = new Date(epochMs + offset * 60_000);
  return tokenize(NAMED_FORMATS[pattern.toLowerCase()] ?? pattern).map((t) => {
    if ('literal' in t) return t.literal;
    const n = t.count;
    switch (t.letter) {
      case 'y': case 'u': return n === 2 ? pad(d.getUTCFullYear() % 100, 2) : pad(d.getUTCFullYear(), n);
      case 'M': return n >= 4 ? MONTHS[d.getUTCMonth()]! : n === 3 ? MONTHS[d.getUTCMonth()]!.slice(0, 3) : pad(d.getUTCMonth() + 1, n);
      case 'd': return pad(d.getUTCDate(), n);
      case 'H': return pad(d.getUTCHours(), n);
      case 'h': return pad(d.getUTCHours() % 12 || 12, n);
      case 'm': return pad(d.getUTCMinutes(), n);
      case 's': return pad(d.getUTCSeconds(), n);
      case 'S': return pad(d.getUTCMilliseconds(), 3).slice(0, n).padEnd(n, '0');
      case 'a': return d.getUTCHours() < 12 ? 'AM' : 'PM';
      case 'E': return n >= 4 ? DAYS[d.getUTCDay()]! : DAYS[d.getUTCDay()]!.slice(0, 3);
      case 'X': case 'Z': case 'x': return offsetText(offset, n, t.letter === 'x' ? 'x' : t.letter);
      case 'z': return zone;
      default: throw new Neo4jError(Status.ArgumentError, `${name}: unsupported pattern letter '${t.letter}'`);
    }
  }).join('');
}

export function parseToEpochMs(name: string, text: string, pattern: string, zone: string): number {
  const fields: Record<string, number> = {};
  let pm: boolean | undefined;
  let parsedOffset: number | undefined;
  let at = 0;
  const fail = (): never => { throw new Neo4jError(Status.ArgumentError, `${name}: Text '${text}' could not be parsed with pattern '${pattern}'`); };
  for (const t of tokenize(NAMED_FORMATS[pattern.toLowerCase()] ?? pattern)) {
    if ('literal' in t) {
      if (text.slice(at, at + t.literal.length) !== t.literal) fail();
      at += t.literal.length;
      continue;
    }
    const rest = text.slice(at);
    let m: RegExpExecArray | null;
    if (t.letter === 'M' && t.count >= 3) {
      const i = MONTHS.findIndex((x) => rest.toLowerCase().startsWith(t.count === 3 ? x.slice(0, 3).toLowerCase() : x.toLowerCase()));
      if (i < 0) fail();
      fields.M = i + 1;
      at += t.count === 3 ? 3 : MONTHS[i]!.length;
    } else if (t.letter === 'E') {
      m = /^[A-Za-z]+/.exec(rest); if (!m) fail(); at += m![0].length;
    } else if (t.letter === 'a') {
      m = /^(AM|PM)/i.exec(rest); if (!m) fail(); pm = m![0].toUpperCase() === 'PM'; at += 2;
    } else if (t.letter === 'X' || t.letter === 'Z' || t.letter === 'x') {
      m = /^(Z|[+-]\d{2}(:?\d{2})?)/.exec(rest); if (!m) fail();
      const o = m![0];
      parsedOffset = o === 'Z' ? 0 : (o[0] === '-' ? -1 : 1) * (Number(o.slice(1, 3)) * 60 + Number(o.replace(':', '').slice(3, 5) || 0));
      at += o.length;
    } else if (t.letter === 'z') {
      m = /^[A-Za-z_/+\-:0-9]+/.exec(rest); if (!m) fail(); at += m![0].length;
    } else {
      m = (t.letter === 'S' ? /^\d+/ : new RegExp(`^\\d{1,${Math.max(t.count, t.letter === 'y' && t.count !== 2 ? 9 : 2)}}`)).exec(rest);
      if (!m) fail();
      let v = Number(m![0]);
      if (t.letter === 'S') v = Number(m![0].slice(0, 3).padEnd(3, '0'));
      if ((t.letter === 'y' || t.letter === 'u') && t.count === 2) v += 2000;
      fields[t.letter === 'u' ? 'y' : t.letter] = v;
      at += m![0].length;
    }
  }
  if (at !== text.length) fail();
  let hour = fields.H ?? fields.h ?? 0;
  if (pm !== undefined && fields.h !== undefined) hour = (fields.h % 12) + (pm ? 12 : 0);
  const local = Date.UTC(fields.y ?? 1970, (fields.M ?? 1) - 1, fields.d ?? 1, hour, fields.m ?? 0, fields.s ?? 0, fields.S ?? 0);
  const offset = parsedOffset ?? offsetMinutes(name, zone, local);
  return local - offset * 60_000;
}

const DEFAULT_FORMAT = 'yyyy-MM-dd HH:mm:ss';
const ZONED = /^(.*?)(\[[^\]]+\])$/;

function epochArg(name: string, v: CypherValue | undefined): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return Math.trunc(v);
  throw new Neo4jError(Status.TypeError, `${name} expects a number of time units`);
}

const text = (v: CypherValue | undefined, fallback: string): string => (typeof v === 'string' ? v : fallback);

export const dateFunctions: ScalarFunction[] = [
  fn('apoc.date.format', 1, 4, (a) => {
    const t = epochArg('apoc.date.format', a[0]);
    if (t === null) return null;
    return formatEpochMs('apoc.date.format', t * unitMs('apoc.date.format', a[1]), text(a[2], DEFAULT_FORMAT), text(a[3], 'UTC'));
  }),
  fn('apoc.date.parse', 1, 4, (a) => {
    if (a[0] === null) return null;
    const ms = parseToEpochMs('apoc.date.parse', String(a[0]), text(a[2], DEFAULT_FORMAT), text(a[3], 'UTC'));
    return BigInt(Math.floor(ms / unitMs('apoc.date.parse', a[1])));
  }),
  fn('apoc.date.convertFormat', 2, 3, (a) => {
    const value = a[0];
    if (value === null || value === undefined) return null;
    if (typeof value !== 'string') throw new Neo4jError(Status.TypeError, 'apoc.date.convertFormat expects a string');
    const from = String(a[1]);
    const to = text(a[2], 'yyyy-MM-dd');
    // ISO-to-ISO with a zone id: the offset form is kept and the [zone] dropped (what generated code relies on).
    if (from.toLowerCase().startsWith('iso') && ['iso_offset_date_time', 'iso_date_time', 'iso_instant'].includes(to.toLowerCase())) return value.replace(ZONED, '$1');
    const ms = from.toLowerCase().startsWith('iso') ? Date.parse(value.replace(ZONED, '$1')) : parseToEpochMs('apoc.date.convertFormat', value, from, 'UTC');
    if (Number.isNaN(ms)) throw new Neo4jError(Status.ArgumentError, `apoc.date.convertFormat: Text '${value}' could not be parsed as ${from}`);
    return formatEpochMs('apoc.date.convertFormat', ms, to, 'UTC');
  }),
  fn('apoc.date.toISO8601', 1, 2, (a) => {
    const t = epochArg('apoc.date.toISO8601', a[0]);
    return t === null ? null : formatEpochMs('apoc.date.toISO8601', t * unitMs('apoc.date.toISO8601', a[1]), "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", 'UTC');
  }),
  fn('apoc.date.fromISO8601', 1, 1, (a) => {
    if (a[0] === null) return null;
    const ms = Date.parse(String(a[0]));
    if (Number.isNaN(ms)) throw new Neo4jError(Status.ArgumentError, `apoc.date.fromISO8601: Text '${String(a[0])}' is not ISO-8601`);
    return BigInt(ms);
  }),
  fn('apoc.date.convert', 3, 3, (a) => {
    const t = epochArg('apoc.date.convert', a[0]);
    return t === null ? null : BigInt(Math.floor((t * unitMs('apoc.date.convert', a[1])) / unitMs('apoc.date.convert', a[2])));
  }),
  fn('apoc.date.add', 4, 4, (a) => {
    const t = epochArg('apoc.date.add', a[0]);
    const add = epochArg('apoc.date.add', a[2]);
    if (t === null || add === null) return null;
    const unit = unitMs('apoc.date.add', a[1]);
    return BigInt(Math.floor((t * unit + add * unitMs('apoc.date.add', a[3])) / unit));
  }),
  fn('apoc.date.currentTimestamp', 0, 0, (_a, ctx) => BigInt(ctx.statementTimeMs), false),
  fn('apoc.date.field', 1, 3, (a) => {
    const t = epochArg('apoc.date.field', a[0]);
    if (t === null) return null;
    const field = text(a[1], 'd').toLowerCase();
    const letter: Record<string, string> = { years: 'yyyy', year: 'yyyy', months: 'M', month: 'M', days: 'd', day: 'd', d: 'd', hours: 'H', hour: 'H', h: 'H', minutes: 'm', minute: 'm', m: 'm', seconds: 's', second: 's', s: 's' };
    const pattern = letter[field];
    if (!pattern) throw new Neo4jError(Status.ArgumentError, `apoc.date.field: unsupported field '${field}'`);
    return BigInt(Number(formatEpochMs('apoc.date.field', t, pattern, text(a[2], 'UTC'))));
  }),
];
