// Component access on temporal, duration and point values (`d.year`, `dur.minutes`, `p.x`).

import {
  type CypherValue, DateTimeValue, DateValue, DurationValue, LocalDateTimeValue, LocalTimeValue, PointValue, TimeValue,
} from './value.js';
import { civilFromDays, formatOffset, NANOS_PER_SECOND } from './temporal.js';

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

function dateFields(epochDays: bigint, key: string): CypherValue | undefined {
  const days = Number(epochDays);
  const { year, month, day } = civilFromDays(days);
  switch (key) {
    case 'year': return BigInt(year);
    case 'month': return BigInt(month);
    case 'day': return BigInt(day);
    case 'quarter': return BigInt(Math.floor((month - 1) / 3) + 1);
    case 'dayOfWeek': case 'weekDay': return BigInt(((days % 7) + 7 + 3) % 7 + 1);
    case 'ordinalDay': {
      const jan1 = Number(dateDays(year, 1, 1));
      return BigInt(days - jan1 + 1);
    }
    case 'dayOfQuarter': {
      const qStartMonth = Math.floor((month - 1) / 3) * 3 + 1;
      return BigInt(days - Number(dateDays(year, qStartMonth, 1)) + 1);
    }
    case 'week': return BigInt(isoWeek(days).week);
    case 'weekYear': return BigInt(isoWeek(days).year);
    case 'millennium': return BigInt(year > 0 ? Math.floor((year - 1) / 1000) + 1 : Math.floor(year / 1000));
    case 'century': return BigInt(year > 0 ? Math.floor((year - 1) / 100) + 1 : Math.floor(year / 100));
    case 'decade': return BigInt(Math.floor(year / 10));
  }
  return undefined;
}

function dateDays(y: number, m: number, d: number): bigint {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return BigInt(era * 146097 + doe - 719468);
}

export function isoWeek(days: number): { year: number; week: number } {
  const dow = ((days % 7) + 7 + 3) % 7 + 1; // Monday = 1
  const thursday = days - dow + 4;
  const { year } = civilFromDays(thursday);
  const jan1 = Number(dateDays(year, 1, 1));
  return { year, week: Math.floor((thursday - jan1) / 7) + 1 };
}

function timeFields(nanoOfDay: bigint, key: string): CypherValue | undefined {
  const secs = nanoOfDay / NANOS_PER_SECOND, nanos = nanoOfDay % NANOS_PER_SECOND;
  switch (key) {
    case 'hour': return secs / 3600n;
    case 'minute': return (secs % 3600n) / 60n;
    case 'second': return secs % 60n;
    case 'millisecond': return nanos / 1_000_000n;
    case 'microsecond': return nanos / 1000n;
    case 'nanosecond': return nanos;
  }
  return undefined;
}

function offsetFields(offsetSeconds: number, zoneId: string | null, key: string): CypherValue | undefined {
  switch (key) {
    case 'timezone': return zoneId ?? formatOffset(offsetSeconds);
    case 'offset': return formatOffset(offsetSeconds);
    case 'offsetMinutes': return BigInt(Math.trunc(offsetSeconds / 60));
    case 'offsetSeconds': return BigInt(offsetSeconds);
  }
  return undefined;
}

function localDateTimeFields(localSeconds: bigint, nanos: number, key: string): CypherValue | undefined {
  const days = floorDiv(localSeconds, 86_400n);
  const nod = (localSeconds - days * 86_400n) * NANOS_PER_SECOND + BigInt(nanos);
  return dateFields(days, key) ?? timeFields(nod, key);
}

/** Returns undefined when `key` is not a component of `v` (the caller raises the error). */
export function temporalProperty(v: CypherValue, key: string): CypherValue | undefined {
  if (v instanceof DateValue) return dateFields(v.epochDays, key);
  if (v instanceof LocalTimeValue) return timeFields(v.nanoOfDay, key);
  if (v instanceof TimeValue) return timeFields(v.nanoOfDay, key) ?? offsetFields(v.offsetSeconds, null, key);
  if (v instanceof LocalDateTimeValue) return localDateTimeFields(v.epochSeconds, v.nanos, key);
  if (v instanceof DateTimeValue) {
    if (key === 'epochSeconds') return v.epochSeconds;
    if (key === 'epochMillis') return v.epochSeconds * 1000n + BigInt(Math.floor(v.nanos / 1e6));
    return localDateTimeFields(v.epochSeconds + BigInt(v.offsetSeconds), v.nanos, key) ?? offsetFields(v.offsetSeconds, v.zoneId, key);
  }
  if (v instanceof DurationValue) return durationField(v, key);
  if (v instanceof PointValue) {
    switch (key) {
      case 'x': return v.x;
      case 'y': return v.y;
      case 'z': return v.z ?? null;
      case 'longitude': return v.srid === 4326 || v.srid === 4979 ? v.x : undefined;
      case 'latitude': return v.srid === 4326 || v.srid === 4979 ? v.y : undefined;
      case 'height': return v.srid === 4979 ? v.z ?? null : undefined;
      case 'srid': return BigInt(v.srid);
      case 'crs': return ({ 7203: 'cartesian', 9157: 'cartesian-3d', 4326: 'wgs-84', 4979: 'wgs-84-3d' } as Record<number, string>)[v.srid] ?? null;
    }
  }
  return undefined;
}

function durationField(d: DurationValue, key: string): CypherValue | undefined {
  const totalNanos = d.seconds * NANOS_PER_SECOND + BigInt(d.nanoseconds);
  switch (key) {
    case 'years': return d.months / 12n;
    case 'quarters': return d.months / 3n;
    case 'months': return d.months;
    case 'weeks': return d.days / 7n;
    case 'days': return d.days;
    case 'hours': return d.seconds / 3600n;
    case 'minutes': return d.seconds / 60n;
    case 'seconds': return d.seconds;
    case 'milliseconds': return floorDiv(totalNanos, 1_000_000n);
    case 'microseconds': return floorDiv(totalNanos, 1000n);
    case 'nanoseconds': return totalNanos;
    case 'quartersOfYear': return (d.months % 12n) / 3n;
    case 'monthsOfQuarter': return d.months % 3n;
    case 'monthsOfYear': return d.months % 12n;
    case 'daysOfWeek': return d.days % 7n;
    case 'minutesOfHour': return (d.seconds % 3600n) / 60n;
    case 'secondsOfMinute': return d.seconds % 60n;
    case 'millisecondsOfSecond': return BigInt(Math.floor(d.nanoseconds / 1e6));
    case 'microsecondsOfSecond': return BigInt(Math.floor(d.nanoseconds / 1e3));
    case 'nanosecondsOfSecond': return BigInt(d.nanoseconds);
  }
  return undefined;
}
