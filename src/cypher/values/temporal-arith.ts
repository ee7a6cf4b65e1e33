// Temporal ± duration and duration arithmetic. Months are added on the calendar (day clamped to
// the month's end), then days, then the exact time part; zoned values keep their offset.

import { typeError } from '../../core/errors.js';
import {
  type CypherValue, DateTimeValue, DateValue, DurationValue, LocalDateTimeValue, LocalTimeValue, TimeValue,
} from './value.js';
import { civilFromDays, daysFromCivil, daysInMonth, NANOS_PER_DAY, NANOS_PER_SECOND } from './temporal.js';
import { zoneOffsetAt } from './zones.js';

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

/** Multiplies (or divides) every component; fractions cascade down to smaller units. */
export function durationScale(d: DurationValue, factor: bigint | number, divide: boolean): DurationValue {
  if (typeof factor === 'bigint' && !divide) {
    return makeDuration(d.months * factor, d.days * factor, d.seconds * factor, BigInt(d.nanoseconds) * factor);
  }
  const f = divide ? 1 / Number(factor) : Number(factor);
  if (divide && Number(factor) === 0) throw typeError('Cannot divide a duration by zero');
  const months = Number(d.months) * f;
  const wholeMonths = Math.trunc(months);
  const days = Number(d.days) * f + (months - wholeMonths) * (AVG_SECONDS_PER_MONTH / 86400);
  const wholeDays = Math.trunc(days);
  const secs = (Number(d.seconds) + d.nanoseconds / 1e9) * f + (days - wholeDays) * 86400;
  const wholeSecs = Math.trunc(secs);
  const nanos = Math.round((secs - wholeSecs) * 1e9);
  return makeDuration(BigInt(wholeMonths), BigInt(wholeDays), BigInt(wholeSecs), BigInt(nanos));
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
    const local = t.epochSeconds + BigInt(t.offsetSeconds);
    const [s, n] = addToLocal(local, t.nanos, d, sign);
    let offset = t.offsetSeconds;
    if (t.zoneId && /^[A-Za-z]/.test(t.zoneId)) offset = zoneOffsetAt(t.zoneId, s, true);
    return new DateTimeValue(s - BigInt(offset), n, offset, t.zoneId);
  }
  throw typeError('Cannot add a duration to this value');
}
