// Temporal ± duration and duration arithmetic. Months are added on the calendar (day clamped to
// the month's end), then days, then the exact time part; zoned values keep their offset.

import { typeError } from '../core/errors.js';
import {
  type CypherValue, DateTimeValue, DateValue, DurationValue, LocalDateTimeValue, LocalTimeValue, TimeValue,
} from './value.js';
import { civilFromDays, daysFromCivil, daysInMonth, NANOS_PER_DAY, NANOS_PER_SECOND } from './temporal.js';
import { zoneOffsetAt, zoneOffsetAtInstant } from './zones.js';

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}
function floorMod(a: bigint, b: bigint): bigint {
  return a - floorDiv(a, b) * b;
}

/** Builds a duration with nanoseconds normalised into [0, 1e9). */
export function makeDuration(months: bigint, days: bigint, seconds: bigint, nanos: bigint): DurationValue {
  const s = seconds + floorDiv(nanos, NANOS_PER_SECOND);
  const n = floorMod(nanos, NANOS_PER_SECOND);
  return new DurationValue(months, days, s, Number(n));
}

export function durationAdd(a: DurationValue, b: DurationValue, sign: bigint): DurationValue {
  return makeDuration(
    a.months + sign * b.months, a.days + sign * b.days,
    a.seconds + sign * b.seconds, BigInt(a.nanoseconds) + sign * BigInt(b.nanoseconds),
  );
}

const AVG_SECONDS_PER_MONTH = 2_629_746; // 365.2425 / 12 days

/** An exact fraction for a factor: integers as is, floats through their shortest decimal text. */
function toFraction(x: bigint | number): [bigint, bigint] {
  if (typeof x === 'bigint') return [x, 1n];
  if (!Number.isFinite(x)) throw typeError('Cannot scale a duration by a non-finite number');
  const text = String(x);
  if (/e/i.test(text)) return [BigInt(Math.round(x * 1e9)), 1_000_000_000n];
  const [int, frac = ''] = text.split('.') as [string, string?];
  return [BigInt(int + frac), 10n ** BigInt(frac.length)];
}

/** Multiplies (or divides) every component exactly; fractions cascade down to smaller units. */
export function durationScale(d: DurationValue, factor: bigint | number, divide: boolean): DurationValue {
  let [num, den] = toFraction(factor);
  if (divide) {
    if (num === 0n) throw typeError('Cannot divide a duration by zero');
    [num, den] = [den, num];
  }
  if (den < 0n) { num = -num; den = -den; }
  const mNum = d.months * num;
  const wholeMonths = mNum / den;
  const monthRestNanos = ((mNum - wholeMonths * den) * BigInt(AVG_SECONDS_PER_MONTH) * NANOS_PER_SECOND) / den;
  const dNum = d.days * num;
  const wholeDays = dNum / den;
  const dayRestNanos = ((dNum - wholeDays * den) * NANOS_PER_DAY) / den;
  const timeNanos = ((d.seconds * NANOS_PER_SECOND + BigInt(d.nanoseconds)) * num) / den;
  const extraDays = monthRestNanos / NANOS_PER_DAY;
  return makeDuration(wholeMonths, wholeDays + extraDays, 0n, timeNanos + dayRestNanos + (monthRestNanos - extraDays * NANOS_PER_DAY));
}

function addMonthsToDays(epochDays: number, months: bigint): number {
  if (months === 0n) return epochDays;
  const { year, month, day } = civilFromDays(epochDays);
  const total = BigInt(year) * 12n + BigInt(month - 1) + months;
  const y = Number(floorDiv(total, 12n)), m = Number(floorMod(total, 12n)) + 1;
  return daysFromCivil(y, m, Math.min(day, daysInMonth(y, m)));
}

/** Adds sign × d to a local date-time given as (epochSeconds, nanos) in local time. */
function addToLocal(epochSeconds: bigint, nanos: number, d: DurationValue, sign: bigint): [bigint, number] {
  const days = floorDiv(epochSeconds, 86_400n);
  const secOfDay = epochSeconds - days * 86_400n;
  const newDays = BigInt(addMonthsToDays(Number(days), sign * d.months)) + sign * d.days;
  const totalNanos = (newDays * 86_400n + secOfDay + sign * d.seconds) * NANOS_PER_SECOND + BigInt(nanos) + sign * BigInt(d.nanoseconds);
  return [floorDiv(totalNanos, NANOS_PER_SECOND), Number(floorMod(totalNanos, NANOS_PER_SECOND))];
}

export function temporalAdd(t: CypherValue, d: DurationValue, sign: bigint): CypherValue {
  if (t instanceof DateValue) {
    const days = BigInt(addMonthsToDays(Number(t.epochDays), sign * d.months)) + sign * d.days;
    // The time part counts only in whole days for a date.
    const extraDays = (d.seconds * NANOS_PER_SECOND + BigInt(d.nanoseconds)) / NANOS_PER_DAY;
    return new DateValue(days + sign * extraDays);
  }
  if (t instanceof LocalTimeValue) {
    return new LocalTimeValue(floorMod(t.nanoOfDay + sign * (d.seconds * NANOS_PER_SECOND + BigInt(d.nanoseconds)), NANOS_PER_DAY));
  }
  if (t instanceof TimeValue) {
    return new TimeValue(floorMod(t.nanoOfDay + sign * (d.seconds * NANOS_PER_SECOND + BigInt(d.nanoseconds)), NANOS_PER_DAY), t.offsetSeconds);
  }
  if (t instanceof LocalDateTimeValue) {
    const [s, n] = addToLocal(t.epochSeconds, t.nanos, d, sign);
    return new LocalDateTimeValue(s, n);
  }
  if (t instanceof DateTimeValue) {
    if (t.zoneId === null || !/^[A-Za-z]/.test(t.zoneId)) {
      const [s, n] = addToLocal(t.epochSeconds + BigInt(t.offsetSeconds), t.nanos, d, sign);
      return new DateTimeValue(s - BigInt(t.offsetSeconds), n, t.offsetSeconds, t.zoneId);
    }
    // As java.time (so Neo4j): months and days move the local date-time, resolved in the zone
    // keeping the old offset when still valid; the time part then moves the instant.
    const zone = t.zoneId;
    const [local] = addToLocal(t.epochSeconds + BigInt(t.offsetSeconds), 0, new DurationValue(d.months, d.days, 0n, 0), sign);
    const dateMoved = local - BigInt(zoneOffsetAt(zone, local, t.offsetSeconds));
    const nanos = (dateMoved + sign * d.seconds) * NANOS_PER_SECOND + BigInt(t.nanos) + sign * BigInt(d.nanoseconds);
    const instant = floorDiv(nanos, NANOS_PER_SECOND);
    return new DateTimeValue(instant, Number(floorMod(nanos, NANOS_PER_SECOND)), zoneOffsetAtInstant(zone, instant), zone);
  }
  throw typeError('Cannot add a duration to this value');
}
