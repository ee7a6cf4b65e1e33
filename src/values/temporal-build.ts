// Building temporal values: ISO-8601 string parsing, construction from component maps (with a
// base temporal to select from), and the decomposition of existing values into local parts.

import { Neo4jError, Status } from '../core/errors.js';
import { formatValue } from './format.js';
import { civilFromDays, daysFromCivil, daysInMonth, NANOS_PER_DAY, NANOS_PER_SECOND } from './temporal.js';
import { isoWeek } from './temporal-props.js';
import { makeDuration } from './temporal-arith.js';
import {
  type CypherValue, DateTimeValue, DateValue, DurationValue, LocalDateTimeValue, LocalTimeValue, TimeValue,
} from './value.js';
import { isValidZone, zoneOffsetAt, zoneOffsetAtInstant } from './zones.js';

export function temporalError(message: string): Neo4jError {
  return new Neo4jError(Status.ArgumentError, message);
}

/** Local parts of a temporal value; zone is an IANA id or null for a fixed offset. */
export interface Parts {
  days: number | null;
  nod: bigint | null;
  offset: number | null;
  zone: string | null;
}

export function partsOf(v: CypherValue): Parts | null {
  if (v instanceof DateValue) return { days: Number(v.epochDays), nod: null, offset: null, zone: null };
  if (v instanceof LocalTimeValue) return { days: null, nod: v.nanoOfDay, offset: null, zone: null };
  if (v instanceof TimeValue) return { days: null, nod: v.nanoOfDay, offset: v.offsetSeconds, zone: null };
  if (v instanceof LocalDateTimeValue) return splitLocal(v.epochSeconds, v.nanos, null, null);
  if (v instanceof DateTimeValue) {
    const zone = v.zoneId && /^[A-Za-z]/.test(v.zoneId) && v.zoneId !== 'Z' ? v.zoneId : null;
    return splitLocal(v.epochSeconds + BigInt(v.offsetSeconds), v.nanos, v.offsetSeconds, zone);
  }
  return null;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

function splitLocal(localSeconds: bigint, nanos: number, offset: number | null, zone: string | null): Parts {
  const days = floorDiv(localSeconds, 86_400n);
  return { days: Number(days), nod: (localSeconds - days * 86_400n) * NANOS_PER_SECOND + BigInt(nanos), offset, zone };
}

export function localSeconds(days: number, nod: bigint): { seconds: bigint; nanos: number } {
  return { seconds: BigInt(days) * 86_400n + nod / NANOS_PER_SECOND, nanos: Number(nod % NANOS_PER_SECOND) };
}

// ---- zones ----

/** Parses a timezone argument: 'Z', '+01:00', '+0100', '+01', or an IANA name. */
export function parseZone(s: string): { offset: number | null; zone: string | null } {
  if (s === 'Z' || s === 'z') return { offset: 0, zone: null };
  const m = /^([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(s);
  if (m) {
    const sec = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
    if (sec > 18 * 3600) throw temporalError(`Zone offset out of range: ${s}`);
    return { offset: m[1] === '-' ? -sec : sec, zone: null };
  }
  if (s === 'UTC' || s === 'GMT') return { offset: 0, zone: s };
  if (!isValidZone(s)) throw temporalError(`Invalid value for TimeZone: Text '${s}'`);
  return { offset: null, zone: s };
}

export function offsetFor(z: { offset: number | null; zone: string | null }, days: number, nod: bigint): number {
  if (z.zone !== null && z.offset === null) return zoneOffsetAt(z.zone, localSeconds(days, nod).seconds);
  return z.offset ?? 0;
}

export function makeDateTime(days: number, nod: bigint, z: { offset: number | null; zone: string | null }): DateTimeValue {
  const { seconds, nanos } = localSeconds(days, nod);
  if (z.zone === null) return new DateTimeValue(seconds - BigInt(z.offset ?? 0), nanos, z.offset ?? 0, null);
  // A local time in a skipped hour resolves to a later one: the instant's offset says which. An
  // offset written beside the zone picks the side of an overlap.
  const instant = seconds - BigInt(zoneOffsetAt(z.zone, seconds, z.offset ?? undefined));
  return new DateTimeValue(instant, nanos, zoneOffsetAtInstant(z.zone, instant), z.zone);
}

export function dateTimeFromInstant(epochSeconds: bigint, nanos: number, z: { offset: number | null; zone: string | null }): DateTimeValue {
  const offset = z.zone !== null ? zoneOffsetAtInstant(z.zone, epochSeconds) : (z.offset ?? 0);
  return new DateTimeValue(epochSeconds, nanos, offset, z.zone);
}

// ---- strings ----

const DATE_RE = /^([+-]\d{4,9}|\d{4})(?:-(\d{2})(?:-(\d{2}))?|(\d{2})(\d{2})?|-W(\d{2})(?:-(\d))?|W(\d{2})(\d)?|-(\d{3})|(\d{3}))?$/;

export function parseDateString(s: string): number {
  const m = DATE_RE.exec(s);
  if (!m) throw temporalError(`Text cannot be parsed to a Date: ${s}`);
  const year = Number(m[1]);
  if (m[6] !== undefined || m[8] !== undefined) {
    return weekDate(year, Number(m[6] ?? m[8]), Number(m[7] ?? m[9] ?? 1));
  }
  if (m[10] !== undefined || m[11] !== undefined) return ordinalDate(year, Number(m[10] ?? m[11]));
  const month = Number(m[2] ?? m[4] ?? 1), day = Number(m[3] ?? m[5] ?? 1);
  return calendarDate(year, month, day);
}

const TIME_RE = /^(\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d{1,9}))?)?)?$/;
const OFFSET_RE = /(Z|[+-]\d{2}(?::?\d{2})?)$/i;

export function parseTimeString(s: string): { nod: bigint; zone: { offset: number | null; zone: string | null } | null } {
  let body = s;
  let zone: { offset: number | null; zone: string | null } | null = null;
  const bracket = /\[([^\]]+)\]$/.exec(body);
  if (bracket) { zone = parseZone(bracket[1]!); body = body.slice(0, bracket.index); }
  const om = OFFSET_RE.exec(body);
  if (om && om.index > 0) {
    const off = parseZone(om[1]!.toUpperCase());
    zone = zone ? { offset: off.offset, zone: zone.zone } : off;
    body = body.slice(0, om.index);
  }
  const m = TIME_RE.exec(body);
  if (!m) throw temporalError(`Text cannot be parsed to a Time: ${s}`);
  const frac = m[4] ? BigInt(m[4].padEnd(9, '0')) : 0n;
  return { nod: timeOfDay(Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0), frac), zone };
}

export function parseDateTimeString(s: string): { days: number; nod: bigint; zone: { offset: number | null; zone: string | null } | null } {
  const t = s.indexOf('T');
  if (t < 0) return { days: parseDateString(s), nod: 0n, zone: null };
  const days = parseDateString(s.slice(0, t));
  const time = parseTimeString(s.slice(t + 1));
  return { days, nod: time.nod, zone: time.zone };
}

const DURATION_RE = /^([+-])?P(?:([+-]?[\d.]+)Y)?(?:([+-]?[\d.]+)M)?(?:([+-]?[\d.]+)W)?(?:([+-]?[\d.]+)D)?(?:T(?:([+-]?[\d.]+)H)?(?:([+-]?[\d.]+)M)?(?:([+-]?[\d.]+)S)?)?$/i;
const DURATION_ALT_RE = /^([+-])?P(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)$/;

export function parseDurationString(s: string): DurationValue {
  const alt = DURATION_ALT_RE.exec(s);
  const b = new DurationBuilder();
  if (alt) {
    b.add('years', Number(alt[2])); b.add('months', Number(alt[3])); b.add('days', Number(alt[4]));
    b.add('hours', Number(alt[5])); b.add('minutes', Number(alt[6])); b.add('seconds', Number(alt[7]));
    const d = b.build();
    return alt[1] === '-' ? makeDuration(-d.months, -d.days, -d.seconds, -BigInt(d.nanoseconds)) : d;
  }
  const m = DURATION_RE.exec(s);
  if (!m || s.endsWith('T') || /^[+-]?P$/i.test(s)) throw temporalError(`Text cannot be parsed to a Duration: ${s}`);
  const units = ['years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds'] as const;
  units.forEach((u, i) => { if (m[i + 2] !== undefined) b.add(u, numberText(m[i + 2]!)); });
  const d = b.build();
  return m[1] === '-' ? makeDuration(-d.months, -d.days, -d.seconds, -BigInt(d.nanoseconds)) : d;
}

function numberText(t: string): number | bigint {
  return /^[+-]?\d+$/.test(t) ? BigInt(t) : Number(t);
}

/** Accumulates duration components; fractions cascade (months → days+seconds, days → seconds). */
export class DurationBuilder {
  private months = 0n;
  private days = 0n;
  private nanos = 0n;
  add(unit: string, v: number | bigint): void {
    const whole = typeof v === 'bigint' ? v : BigInt(Math.trunc(v));
    const frac = typeof v === 'bigint' ? 0 : v - Math.trunc(v);
    switch (unit) {
      case 'years': this.addMonths(whole * 12n, frac * 12); return;
      case 'months': this.addMonths(whole, frac); return;
      case 'weeks': this.addDays(whole * 7n, frac * 7); return;
      case 'days': this.addDays(whole, frac); return;
      case 'hours': this.addNanos(whole * 3600n * NANOS_PER_SECOND, frac * 3600e9); return;
      case 'minutes': this.addNanos(whole * 60n * NANOS_PER_SECOND, frac * 60e9); return;
      case 'seconds': this.addNanos(whole * NANOS_PER_SECOND, frac * 1e9); return;
      case 'milliseconds': this.addNanos(whole * 1_000_000n, frac * 1e6); return;
      case 'microseconds': this.addNanos(whole * 1000n, frac * 1e3); return;
      case 'nanoseconds': this.addNanos(whole, frac); return;
    }
    throw temporalError(`No such field: ${unit}`);
  }
  private addMonths(whole: bigint, frac: number): void {
    this.months += whole;
    if (frac === 0) return;
    const wholeMonthsFromFrac = Math.trunc(frac);
    this.months += BigInt(wholeMonthsFromFrac);
    const seconds = (frac - wholeMonthsFromFrac) * 2_629_746;
    const d = Math.trunc(seconds / 86400);
    this.days += BigInt(d);
    this.nanos += BigInt(Math.round((seconds - d * 86400) * 1e9));
  }
  private addDays(whole: bigint, frac: number): void {
    this.days += whole;
    if (frac === 0) return;
    const wd = Math.trunc(frac);
    this.days += BigInt(wd);
    this.nanos += BigInt(Math.round((frac - wd) * 86400e9));
  }
  private addNanos(whole: bigint, frac: number): void {
    this.nanos += whole + BigInt(Math.round(frac));
  }
  build(): DurationValue {
    return makeDuration(this.months, this.days, 0n, this.nanos);
  }
}

// ---- calendar helpers ----

export function calendarDate(year: number, month: number, day: number): number {
  if (month < 1 || month > 12) throw temporalError(`Invalid value for MonthOfYear (valid values 1 - 12): ${month}`);
  if (day < 1 || day > daysInMonth(year, month)) throw temporalError(`Invalid date: ${year}-${month}-${day}`);
  return daysFromCivil(year, month, day);
}

function weekOneMonday(weekYear: number): number {
  const jan4 = daysFromCivil(weekYear, 1, 4);
  const dow = (((jan4 % 7) + 7 + 3) % 7) + 1;
  return jan4 - (dow - 1);
}

export function weekDate(weekYear: number, week: number, dayOfWeek: number): number {
  const weeksInYear = isoWeek(daysFromCivil(weekYear, 12, 28)).week;
  if (week < 1 || week > weeksInYear) throw temporalError(`Invalid value for WeekOfWeekBasedYear: ${week}`);
  if (dayOfWeek < 1 || dayOfWeek > 7) throw temporalError(`Invalid value for DayOfWeek: ${dayOfWeek}`);
  return weekOneMonday(weekYear) + (week - 1) * 7 + (dayOfWeek - 1);
}

export function ordinalDate(year: number, ordinal: number): number {
  const len = daysFromCivil(year + 1, 1, 1) - daysFromCivil(year, 1, 1);
  if (ordinal < 1 || ordinal > len) throw temporalError(`Invalid value for DayOfYear: ${ordinal}`);
  return daysFromCivil(year, 1, 1) + ordinal - 1;
}

export function quarterDate(year: number, quarter: number, dayOfQuarter: number): number {
  if (quarter < 1 || quarter > 4) throw temporalError(`Invalid value for QuarterOfYear: ${quarter}`);
  const start = daysFromCivil(year, (quarter - 1) * 3 + 1, 1);
  const len = daysFromCivil(quarter === 4 ? year + 1 : year, quarter === 4 ? 1 : quarter * 3 + 1, 1) - start;
  if (dayOfQuarter < 1 || dayOfQuarter > len) throw temporalError(`Invalid value for DayOfQuarter: ${dayOfQuarter}`);
  return start + dayOfQuarter - 1;
}

export function timeOfDay(h: number, m: number, s: number, nanos: bigint): bigint {
  if (h < 0 || h > 23) throw temporalError(`Invalid value for HourOfDay (valid values 0 - 23): ${h}`);
  if (m < 0 || m > 59) throw temporalError(`Invalid value for MinuteOfHour (valid values 0 - 59): ${m}`);
  if (s < 0 || s > 59) throw temporalError(`Invalid value for SecondOfMinute (valid values 0 - 59): ${s}`);
  if (nanos < 0n || nanos >= NANOS_PER_SECOND) throw temporalError(`Invalid value for NanoOfSecond: ${nanos}`);
  return (BigInt(h) * 3600n + BigInt(m) * 60n + BigInt(s)) * NANOS_PER_SECOND + nanos;
}

// ---- maps ----

type FieldMap = ReadonlyMap<string, CypherValue>;

function intField(m: FieldMap, key: string): number | undefined {
  const v = m.get(key);
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw temporalError(`Invalid value for ${key}: ${formatValue(v)}`);
}

const DATE_KEYS = ['year', 'month', 'day', 'week', 'dayOfWeek', 'quarter', 'dayOfQuarter', 'ordinalDay'];
const TIME_KEYS = ['hour', 'minute', 'second', 'millisecond', 'microsecond', 'nanosecond'];

export function hasDateFields(m: FieldMap): boolean { return DATE_KEYS.some((k) => m.has(k)); }
export function hasTimeFields(m: FieldMap): boolean { return TIME_KEYS.some((k) => m.has(k)); }

/** The date selected by the map's fields, defaulting to `baseDays`' components. */
export function dateFromFields(m: FieldMap, baseDays: number | null): number {
  const base = baseDays === null ? null : civilFromDays(baseDays);
  const year = intField(m, 'year');
  const week = intField(m, 'week'), dow = intField(m, 'dayOfWeek');
  if (week !== undefined || (dow !== undefined && baseDays !== null && !m.has('day'))) {
    const bw = baseDays === null ? null : isoWeek(baseDays);
    const baseDow = baseDays === null ? null : (((baseDays % 7) + 7 + 3) % 7) + 1;
    const wy = year ?? bw?.year;
    if (wy === undefined) throw temporalError('year must be specified');
    return weekDate(wy, week ?? bw!.week, dow ?? baseDow ?? 1);
  }
  const ordinal = intField(m, 'ordinalDay');
  if (ordinal !== undefined) {
    const y = year ?? base?.year;
    if (y === undefined) throw temporalError('year must be specified');
    return ordinalDate(y, ordinal);
  }
  const quarter = intField(m, 'quarter'), doq = intField(m, 'dayOfQuarter');
  if (quarter !== undefined || doq !== undefined) {
    const y = year ?? base?.year;
    if (y === undefined) throw temporalError('year must be specified');
    let bq = 1, bdoq = 1;
    if (baseDays !== null && base) {
      bq = Math.floor((base.month - 1) / 3) + 1;
      bdoq = baseDays - daysFromCivil(base.year, (bq - 1) * 3 + 1, 1) + 1;
    }
    return quarterDate(y, quarter ?? bq, doq ?? bdoq);
  }
  const y = year ?? base?.year;
  if (y === undefined) throw temporalError('year must be specified');
  const month = intField(m, 'month'), day = intField(m, 'day');
  if (base === null && month === undefined && day !== undefined) throw temporalError('month must be specified with day');
  return calendarDate(y, month ?? base?.month ?? 1, day ?? base?.day ?? 1);
}

/** The time of day selected by the map's fields, defaulting to `baseNod`'s components. */
export function timeFromFields(m: FieldMap, baseNod: bigint | null): bigint {
  const bs = baseNod === null ? null : baseNod / NANOS_PER_SECOND;
  const bh = bs === null ? 0 : Number(bs / 3600n), bm = bs === null ? 0 : Number((bs % 3600n) / 60n), bsec = bs === null ? 0 : Number(bs % 60n);
  const h = intField(m, 'hour'), mi = intField(m, 'minute'), s = intField(m, 'second');
  if (baseNod === null) {
    if (mi !== undefined && h === undefined) throw temporalError('hour must be specified with minute');
    if (s !== undefined && mi === undefined) throw temporalError('minute must be specified with second');
  }
  const ms = intField(m, 'millisecond'), us = intField(m, 'microsecond'), ns = intField(m, 'nanosecond');
  let nanos: bigint;
  if (ms !== undefined || us !== undefined || ns !== undefined) {
    if (ms !== undefined && (ms < 0 || ms > 999)) throw temporalError(`Invalid value for Millisecond: ${ms}`);
    if (us !== undefined && (us < 0 || us > (ms !== undefined ? 999 : 999_999))) throw temporalError(`Invalid value for Microsecond: ${us}`);
    if (ns !== undefined && (ns < 0 || ns > (ms !== undefined || us !== undefined ? 999 : 999_999_999))) throw temporalError(`Invalid value for Nanosecond: ${ns}`);
    const bn = baseNod === null ? 0n : baseNod % NANOS_PER_SECOND;
    const fullNanos = ns !== undefined && ns > 999 && ms === undefined && us === undefined;
    if (baseNod !== null && !fullNanos) {
      // Unspecified finer fields keep the base's digits (truncate(…, {nanosecond: 2}) keeps ms/µs).
      const bms = bn / 1_000_000n, bus = (bn / 1000n) % 1000n, bns = bn % 1000n;
      const usFull = us !== undefined && ms === undefined && us > 999;
      nanos = (ms !== undefined ? BigInt(ms) : usFull ? 0n : bms) * 1_000_000n +
        (us !== undefined ? BigInt(us) : bus) * 1000n + (ns !== undefined ? BigInt(ns) : bns);
    } else {
      nanos = BigInt(ms ?? 0) * 1_000_000n + BigInt(us ?? 0) * 1000n + BigInt(ns ?? 0);
    }
  } else {
    nanos = baseNod === null ? 0n : baseNod % NANOS_PER_SECOND;
  }
  return timeOfDay(h ?? bh, mi ?? bm, s ?? bsec, nanos);
}

/** Shifts a time of day from one offset to another (wrapping around midnight). */
export function shiftNod(nod: bigint, fromOffset: number, toOffset: number): bigint {
  const shifted = nod + BigInt(toOffset - fromOffset) * NANOS_PER_SECOND;
  return ((shifted % NANOS_PER_DAY) + NANOS_PER_DAY) % NANOS_PER_DAY;
}
