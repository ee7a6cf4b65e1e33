// Temporal functions: date, localtime, time, localdatetime, datetime and duration constructors
// (from strings, maps, other temporals, or the statement clock), truncation and durations between.

import { typeError } from '../../core/errors.js';
import { formatValue, typeName } from '../../values/format.js';
import { civilFromDays, daysFromCivil, NANOS_PER_SECOND } from '../../values/temporal.js';
import { isoWeek } from '../../values/temporal-props.js';
import {
  DurationBuilder, type Parts, dateFromFields, dateTimeFromInstant, hasDateFields, hasTimeFields, localSeconds,
  makeDateTime, offsetFor, parseDateString, parseDateTimeString, parseDurationString, parseTimeString, parseZone,
  partsOf, shiftNod, temporalError, timeFromFields,
} from '../../values/temporal-build.js';
import {
  type CypherValue, DateTimeValue, DateValue, DurationValue, LocalDateTimeValue, LocalTimeValue, TimeValue, isTemporal,
} from '../../values/value.js';
import { zoneOffsetAtInstant } from '../../values/zones.js';
import { durationBetween, type BetweenUnit } from './temporal-between.js';
import type { FunctionContext, ScalarFunction } from './types.js';

type Zone = { offset: number | null; zone: string | null };
const UTC: Zone = { offset: 0, zone: null };

function nowParts(ctx: FunctionContext, tz: CypherValue | undefined): Parts & { zoneInfo: Zone } {
  const ms = ctx.statementTimeMs;
  const z = tz === undefined || tz === null ? UTC : parseZone(String(tz));
  const epochSeconds = BigInt(Math.floor(ms / 1000));
  const nanos = (ms - Math.floor(ms / 1000) * 1000) * 1_000_000;
  const offset = z.zone !== null ? zoneOffsetAtInstant(z.zone, epochSeconds) : (z.offset ?? 0);
  const local = epochSeconds + BigInt(offset);
  const days = Number(local >= 0n ? local / 86400n : (local - 86399n) / 86400n);
  const nod = (local - BigInt(days) * 86400n) * NANOS_PER_SECOND + BigInt(nanos);
  return { days, nod, offset, zone: z.zone, zoneInfo: z };
}

function asMap(v: CypherValue): ReadonlyMap<string, CypherValue> | null {
  return v instanceof Map ? v : null;
}

function onlyTimezone(m: ReadonlyMap<string, CypherValue>): boolean {
  return m.size === 1 && m.has('timezone');
}

function sourceParts(m: ReadonlyMap<string, CypherValue>, key: string): Parts | null {
  const v = m.get(key);
  if (v === undefined || v === null) return null;
  const p = partsOf(v);
  if (!p) throw typeError(`${key} must be a temporal value, got ${typeName(v)} (${formatValue(v)})`);
  return p;
}

function badArg(fn: string, v: CypherValue): never {
  throw typeError(`Invalid input for function '${fn}()': Expected a String, Map or temporal value, but got: ${typeName(v)}(${formatValue(v)})`);
}

function zoneOfParts(p: Parts | null): Zone | null {
  if (!p) return null;
  if (p.zone !== null) return { offset: null, zone: p.zone };
  if (p.offset !== null) return { offset: p.offset, zone: null };
  return null;
}

// ---- constructors ----

function date(v: CypherValue | undefined, ctx: FunctionContext): CypherValue {
  if (v === undefined) return new DateValue(BigInt(nowParts(ctx, undefined).days!));
  if (v === null) return null;
  if (typeof v === 'string') return new DateValue(BigInt(parseDateString(v)));
  if (isTemporal(v)) {
    const p = partsOf(v);
    if (!p || p.days === null) throw typeError(`Cannot build a Date from ${typeName(v)}`);
    return new DateValue(BigInt(p.days));
  }
  const m = asMap(v);
  if (!m) badArg('date', v);
  if (m.size === 0 || onlyTimezone(m)) return new DateValue(BigInt(nowParts(ctx, m.get('timezone')).days!));
  const base = sourceParts(m, 'date');
  if (base && base.days === null) throw typeError('date must hold a date');
  const days = base && !hasDateFields(m) ? base.days! : dateFromFields(m, base?.days ?? null);
  return new DateValue(BigInt(days));
}

function localtime(v: CypherValue | undefined, ctx: FunctionContext): CypherValue {
  if (v === undefined) return new LocalTimeValue(nowParts(ctx, undefined).nod!);
  if (v === null) return null;
  if (typeof v === 'string') return new LocalTimeValue(parseTimeString(v).nod);
  if (isTemporal(v)) {
    const p = partsOf(v);
    if (!p || p.nod === null) throw typeError(`Cannot build a LocalTime from ${typeName(v)}`);
    return new LocalTimeValue(p.nod);
  }
  const m = asMap(v);
  if (!m) badArg('localtime', v);
  if (m.size === 0 || onlyTimezone(m)) return new LocalTimeValue(nowParts(ctx, m.get('timezone')).nod!);
  const base = sourceParts(m, 'time');
  return new LocalTimeValue(timeFromFields(m, base?.nod ?? null));
}

function fixedOffset(z: Zone, ctx: FunctionContext, days: number | null, nod: bigint): number {
  if (z.zone === null) return z.offset ?? 0;
  if (days !== null) return offsetFor({ offset: null, zone: z.zone }, days, nod);
  return zoneOffsetAtInstant(z.zone, BigInt(Math.floor(ctx.statementTimeMs / 1000)));
}

function time(v: CypherValue | undefined, ctx: FunctionContext): CypherValue {
  if (v === undefined) { const p = nowParts(ctx, undefined); return new TimeValue(p.nod!, p.offset!); }
  if (v === null) return null;
  if (typeof v === 'string') {
    const t = parseTimeString(v);
    return new TimeValue(t.nod, t.zone ? (t.zone.offset ?? fixedOffset(t.zone, ctx, null, t.nod)) : 0);
  }
  if (isTemporal(v)) {
    const p = partsOf(v);
    if (!p || p.nod === null) throw typeError(`Cannot build a Time from ${typeName(v)}`);
    return new TimeValue(p.nod, p.offset ?? 0);
  }
  const m = asMap(v);
  if (!m) badArg('time', v);
  if (m.size === 0 || onlyTimezone(m)) { const p = nowParts(ctx, m.get('timezone')); return new TimeValue(p.nod!, p.offset!); }
  const base = sourceParts(m, 'time');
  const tz = m.get('timezone');
  let baseNod = base?.nod ?? null;
  let offset: number;
  if (tz !== undefined && tz !== null) {
    offset = fixedOffset(parseZone(String(tz)), ctx, base?.days ?? null, baseNod ?? 0n);
    if (base && baseNod !== null && base.offset !== null) baseNod = shiftNod(baseNod, base.offset, offset);
  } else {
    offset = base?.offset ?? 0;
  }
  return new TimeValue(timeFromFields(m, baseNod), offset);
}

function localdatetime(v: CypherValue | undefined, ctx: FunctionContext): CypherValue {
  const build = (days: number, nod: bigint) => { const l = localSeconds(days, nod); return new LocalDateTimeValue(l.seconds, l.nanos); };
  if (v === undefined) { const p = nowParts(ctx, undefined); return build(p.days!, p.nod!); }
  if (v === null) return null;
  if (typeof v === 'string') { const p = parseDateTimeString(v); return build(p.days, p.nod); }
  if (isTemporal(v)) {
    const p = partsOf(v);
    if (!p || p.days === null) throw typeError(`Cannot build a LocalDateTime from ${typeName(v)}`);
    return build(p.days, p.nod ?? 0n);
  }
  const m = asMap(v);
  if (!m) badArg('localdatetime', v);
  if (m.size === 0 || onlyTimezone(m)) { const p = nowParts(ctx, m.get('timezone')); return build(p.days!, p.nod!); }
  const dt = sourceParts(m, 'datetime');
  const dateSrc = sourceParts(m, 'date') ?? dt;
  const timeSrc = sourceParts(m, 'time') ?? dt;
  const days = dateSrc?.days !== null && dateSrc !== null && !hasDateFields(m) ? dateSrc.days! : dateFromFields(m, dateSrc?.days ?? null);
  const nod = timeFromFields(m, timeSrc?.nod ?? null);
  return build(days, nod);
}

function datetime(v: CypherValue | undefined, ctx: FunctionContext): CypherValue {
  if (v === undefined) {
    const ms = ctx.statementTimeMs;
    return dateTimeFromInstant(BigInt(Math.floor(ms / 1000)), (ms % 1000) * 1_000_000, UTC);
  }
  if (v === null) return null;
  if (typeof v === 'string') {
    const p = parseDateTimeString(v);
    return makeDateTime(p.days, p.nod, p.zone ?? UTC);
  }
  if (isTemporal(v)) {
    if (v instanceof DateTimeValue) return v;
    const p = partsOf(v);
    if (!p || p.days === null) throw typeError(`Cannot build a DateTime from ${typeName(v)}`);
    return makeDateTime(p.days, p.nod ?? 0n, zoneOfParts(p) ?? UTC);
  }
  const m = asMap(v);
  if (!m) badArg('datetime', v);
  const tz = m.get('timezone');
  const z: Zone | null = tz === undefined || tz === null ? null : parseZone(String(tz));
  if (m.size === 0 || onlyTimezone(m)) {
    const ms = ctx.statementTimeMs;
    return dateTimeFromInstant(BigInt(Math.floor(ms / 1000)), (ms % 1000) * 1_000_000, z ?? UTC);
  }
  if (m.has('epochSeconds') || m.has('epochMillis')) {
    const es = m.get('epochSeconds'), em = m.get('epochMillis'), ns = m.get('nanosecond');
    let seconds = 0n, nanos = 0n;
    if (typeof es === 'bigint') seconds = es;
    else if (typeof es === 'number') { seconds = BigInt(Math.floor(es)); nanos = BigInt(Math.round((es - Math.floor(es)) * 1e9)); }
    if (typeof em === 'bigint') { seconds += em / 1000n; nanos += (em % 1000n) * 1_000_000n; }
    if (typeof ns === 'bigint') nanos += ns;
    seconds += nanos / NANOS_PER_SECOND;
    return dateTimeFromInstant(seconds, Number(nanos % NANOS_PER_SECOND), z ?? UTC);
  }
  let dt = sourceParts(m, 'datetime');
  const separateTime = sourceParts(m, 'time');
  const dateSrc = sourceParts(m, 'date') ?? null;
  // A whole datetime source moves to the new zone first (same instant), then fields apply.
  if (z && dt && dt.offset !== null) dt = convertParts(dt, z);
  const dateBase = dateSrc ?? dt;
  let days = dateBase && dateBase.days !== null && !hasDateFields(m) ? dateBase.days : dateFromFields(m, dateBase?.days ?? null);
  let nod: bigint | null = (separateTime ?? dt)?.nod ?? null;
  if (z && separateTime && separateTime.offset !== null && nod !== null) {
    // A zoned time is placed on the chosen date in its own zone, then re-expressed in the new zone.
    const srcOffset = separateTime.zone !== null ? offsetFor({ offset: null, zone: separateTime.zone }, days, nod) : separateTime.offset;
    const moved = convertParts({ days, nod, offset: srcOffset, zone: null }, z);
    days = moved.days!;
    nod = moved.nod!;
  }
  nod = nod !== null && !hasTimeFields(m) ? nod : timeFromFields(m, nod);
  const zone = z ?? zoneOfParts(separateTime) ?? zoneOfParts(sourceParts(m, 'datetime')) ?? UTC;
  return makeDateTime(days, nod, zone);
}

/** Re-expresses a zoned date-time's parts in another zone (same instant). */
function convertParts(p: Parts, z: Zone): Parts {
  const { seconds, nanos } = localSeconds(p.days!, p.nod!);
  const instant = seconds - BigInt(p.offset!);
  const v = dateTimeFromInstant(instant, nanos, z);
  return partsOf(v)!;
}

// ---- duration ----

function duration(v: CypherValue): CypherValue {
  if (v === null) return null;
  if (typeof v === 'string') return parseDurationString(v);
  if (v instanceof DurationValue) return v;
  const m = asMap(v);
  if (!m) throw typeError(`Invalid input for function 'duration()': Expected a String or Map, but got: ${typeName(v)}(${formatValue(v)})`);
  const b = new DurationBuilder();
  for (const [k, x] of m) {
    if (x === null) continue;
    if (typeof x !== 'bigint' && typeof x !== 'number') throw typeError(`Duration component ${k} must be a number, got ${formatValue(x)}`);
    b.add(k, x);
  }
  return b.build();
}

// ---- truncate ----

const DATE_UNITS = ['millennium', 'century', 'decade', 'year', 'weekYear', 'quarter', 'month', 'week', 'day'];

function truncateDays(days: number, unit: string): number {
  const { year, month } = civilFromDays(days);
  const floorTo = (n: number) => Math.floor(year / n) * n;
  switch (unit) {
    case 'millennium': return daysFromCivil(floorTo(1000), 1, 1);
    case 'century': return daysFromCivil(floorTo(100), 1, 1);
    case 'decade': return daysFromCivil(floorTo(10), 1, 1);
    case 'year': return daysFromCivil(year, 1, 1);
    case 'weekYear': {
      const wy = isoWeek(days).year;
      const jan4 = daysFromCivil(wy, 1, 4);
      return jan4 - ((((jan4 % 7) + 7 + 3) % 7));
    }
    case 'quarter': return daysFromCivil(year, Math.floor((month - 1) / 3) * 3 + 1, 1);
    case 'month': return daysFromCivil(year, month, 1);
    case 'week': return days - (((days % 7) + 7 + 3) % 7);
    default: return days;
  }
}

function truncateNod(nod: bigint, unit: string): bigint {
  const per: Record<string, bigint> = {
    day: 86_400n * NANOS_PER_SECOND, hour: 3600n * NANOS_PER_SECOND, minute: 60n * NANOS_PER_SECOND,
    second: NANOS_PER_SECOND, millisecond: 1_000_000n, microsecond: 1000n,
  };
  if (DATE_UNITS.includes(unit)) return 0n;
  const p = per[unit];
  if (p === undefined) throw temporalError(`Unit ${unit} is not supported for truncation`);
  return nod - (nod % p);
}

type Kind = 'date' | 'localtime' | 'time' | 'localdatetime' | 'datetime';

function truncate(kind: Kind, unitV: CypherValue, v: CypherValue, mapV: CypherValue | undefined): CypherValue {
  if (v === null || unitV === null) return null;
  const unit = String(unitV);
  const p = partsOf(v);
  if (!p) throw typeError(`Cannot truncate ${typeName(v)}`);
  const m = mapV instanceof Map ? mapV : new Map<string, CypherValue>();
  const needsDate = kind === 'date' || kind === 'localdatetime' || kind === 'datetime';
  if (needsDate && p.days === null) throw typeError(`Cannot truncate ${typeName(v)} to a ${kind}`);
  if (!needsDate && DATE_UNITS.includes(unit) && unit !== 'day') throw temporalError(`Unit ${unit} is not supported for ${kind}`);
  if (kind === 'date' && !DATE_UNITS.includes(unit)) throw temporalError(`Unit ${unit} is not supported for date`);
  let days = p.days !== null ? truncateDays(p.days, unit) : null;
  let nod = p.nod !== null ? truncateNod(p.nod, unit) : 0n;
  if (days !== null && hasDateFields(m)) days = dateFromFields(m, days);
  if (hasTimeFields(m)) nod = timeFromFields(m, nod);
  const tz = m.get('timezone');
  const z: Zone = tz !== undefined && tz !== null ? parseZone(String(tz)) : zoneOfParts(p) ?? UTC;
  switch (kind) {
    case 'date': return new DateValue(BigInt(days!));
    case 'localtime': return new LocalTimeValue(nod);
    case 'time': return new TimeValue(nod, z.offset ?? (p.offset ?? 0));
    case 'localdatetime': { const l = localSeconds(days!, nod); return new LocalDateTimeValue(l.seconds, l.nanos); }
    case 'datetime': return makeDateTime(days!, nod, z);
  }
}

// ---- registration ----

type Ctor = (v: CypherValue | undefined, ctx: FunctionContext) => CypherValue;

function ctorFunctions(name: Kind, ctor: Ctor): ScalarFunction[] {
  const now: ScalarFunction['impl'] = (a, ctx) => {
    const tz = a[0];
    if (tz === null) return null;
    return ctor(tz === undefined ? undefined : new Map([['timezone', tz]]), ctx);
  };
  return [
    { name, minArgs: 0, maxArgs: 1, deterministic: false, impl: (a, ctx) => ctor(a[0], ctx) },
    { name: `${name}.statement`, minArgs: 0, maxArgs: 1, deterministic: false, impl: now },
    { name: `${name}.transaction`, minArgs: 0, maxArgs: 1, deterministic: false, impl: now },
    { name: `${name}.realtime`, minArgs: 0, maxArgs: 1, deterministic: false, impl: now },
    { name: `${name}.truncate`, minArgs: 2, maxArgs: 3, impl: (a) => truncate(name, a[0]!, a[1]!, a[2]) },
  ];
}

function between(unit: BetweenUnit): ScalarFunction['impl'] {
  return (a) => {
    const x = a[0]!, y = a[1]!;
    if (x === null || y === null) return null;
    if (!isTemporal(x) || !isTemporal(y) || x instanceof DurationValue || y instanceof DurationValue) {
      throw typeError(`duration.between expects two temporal values, got ${typeName(x)} and ${typeName(y)}`);
    }
    return durationBetween(x, y, unit);
  };
}

export const temporalFunctions: ScalarFunction[] = [
  ...ctorFunctions('date', date),
  ...ctorFunctions('localtime', localtime),
  ...ctorFunctions('time', time),
  ...ctorFunctions('localdatetime', localdatetime),
  ...ctorFunctions('datetime', datetime),
  {
    name: 'datetime.fromepoch', minArgs: 2, maxArgs: 2, impl: (a) => {
      const s = a[0]!, n = a[1]!;
      if (s === null || n === null) return null;
      return dateTimeFromInstant(BigInt(s as bigint), Number(n), UTC);
    },
  },
  {
    name: 'datetime.fromepochmillis', minArgs: 1, maxArgs: 1, impl: (a) => {
      const ms = a[0]!;
      if (ms === null) return null;
      const b = BigInt(ms as bigint);
      const s = b >= 0n ? b / 1000n : (b - 999n) / 1000n;
      return dateTimeFromInstant(s, Number(b - s * 1000n) * 1_000_000, UTC);
    },
  },
  { name: 'duration', minArgs: 1, maxArgs: 1, impl: (a) => duration(a[0]!) },
  { name: 'duration.between', minArgs: 2, maxArgs: 2, impl: between('all') },
  { name: 'duration.inMonths', minArgs: 2, maxArgs: 2, impl: between('months') },
  { name: 'duration.inDays', minArgs: 2, maxArgs: 2, impl: between('days') },
  { name: 'duration.inSeconds', minArgs: 2, maxArgs: 2, impl: between('seconds') },
];
