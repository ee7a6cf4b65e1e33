// Temporal arithmetic on the Bolt-shaped value classes: civil calendar conversions and the
// ISO-8601 text forms Neo4j prints (java.time's toString conventions).

import {
  type CypherValue, DateTimeValue, DateValue, DurationValue, LocalDateTimeValue, LocalTimeValue, TimeValue,
} from './value.js';

export const NANOS_PER_SECOND = 1_000_000_000n;
export const NANOS_PER_DAY = 86_400n * NANOS_PER_SECOND;

/** Days since 1970-01-01 for a proleptic Gregorian date (Hinnant's algorithm). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}
export function daysInMonth(y: number, m: number): number {
  return [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
}

function pad(n: number | bigint, width: number): string {
  return String(n).padStart(width, '0');
}

export function formatDate(epochDays: bigint): string {
  const { year, month, day } = civilFromDays(Number(epochDays));
  let ys: string;
  if (year > 9999) ys = '+' + year;
  else if (year < 0) ys = '-' + pad(-year, 4);
  else ys = pad(year, 4);
  return `${ys}-${pad(month, 2)}-${pad(day, 2)}`;
}

function formatFraction(nanos: number): string {
  if (nanos === 0) return '';
  if (nanos % 1_000_000 === 0) return '.' + pad(nanos / 1_000_000, 3);
  if (nanos % 1000 === 0) return '.' + pad(nanos / 1000, 6);
  return '.' + pad(nanos, 9);
}

export function formatLocalTime(nanoOfDay: bigint): string {
  const totalSeconds = Number(nanoOfDay / NANOS_PER_SECOND);
  const nanos = Number(nanoOfDay % NANOS_PER_SECOND);
  const h = Math.floor(totalSeconds / 3600), m = Math.floor((totalSeconds % 3600) / 60), s = totalSeconds % 60;
  let out = `${pad(h, 2)}:${pad(m, 2)}`;
  if (s !== 0 || nanos !== 0) out += `:${pad(s, 2)}${formatFraction(nanos)}`;
  return out;
}

export function formatOffset(offsetSeconds: number): string {
  if (offsetSeconds === 0) return 'Z';
  const sign = offsetSeconds < 0 ? '-' : '+';
  const abs = Math.abs(offsetSeconds);
  const h = Math.floor(abs / 3600), m = Math.floor((abs % 3600) / 60), s = abs % 60;
  return `${sign}${pad(h, 2)}:${pad(m, 2)}${s ? ':' + pad(s, 2) : ''}`;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

export function formatLocalDateTime(epochSeconds: bigint, nanos: number): string {
  const days = floorDiv(epochSeconds, 86_400n);
  const secOfDay = epochSeconds - days * 86_400n;
  return `${formatDate(days)}T${formatLocalTime(secOfDay * NANOS_PER_SECOND + BigInt(nanos))}`;
}

export function formatDuration(d: DurationValue): string {
  const years = d.months / 12n, months = d.months % 12n;
  let out = 'P';
  if (years) out += `${years}Y`;
  if (months) out += `${months}M`;
  if (d.days) out += `${d.days}D`;
  // Total time part in nanoseconds, split into h/m/s keeping one sign per component.
  const total = d.seconds * NANOS_PER_SECOND + BigInt(d.nanoseconds);
  if (total !== 0n) {
    out += 'T';
    const neg = total < 0n;
    const abs = neg ? -total : total;
    const secs = abs / NANOS_PER_SECOND, nanos = Number(abs % NANOS_PER_SECOND);
    const h = secs / 3600n, m = (secs % 3600n) / 60n, s = secs % 60n;
    const sign = neg ? '-' : '';
    if (h) out += `${sign}${h}H`;
    if (m) out += `${sign}${m}M`;
    if (s || nanos) {
      let frac = nanos ? '.' + pad(nanos, 9).replace(/0+$/, '') : '';
      out += `${sign}${s}${frac}S`;
    }
  }
  if (out === 'P') out = 'PT0S';
  return out;
}

export function formatTemporal(v: CypherValue): string {
  if (v instanceof DateValue) return formatDate(v.epochDays);
  if (v instanceof LocalTimeValue) return formatLocalTime(v.nanoOfDay);
  if (v instanceof TimeValue) return formatLocalTime(v.nanoOfDay) + formatOffset(v.offsetSeconds);
  if (v instanceof LocalDateTimeValue) return formatLocalDateTime(v.epochSeconds, v.nanos);
  if (v instanceof DateTimeValue) {
    const local = formatLocalDateTime(v.epochSeconds + BigInt(v.offsetSeconds), v.nanos);
    const zone = v.zoneId && !/^[+-]\d/.test(v.zoneId) && v.zoneId !== 'Z' ? `[${v.zoneId}]` : '';
    return local + formatOffset(v.offsetSeconds) + zone;
  }
  if (v instanceof DurationValue) return formatDuration(v);
  return String(v);
}
