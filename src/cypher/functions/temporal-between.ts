// duration.between / inMonths / inDays / inSeconds, following java.time's `until` rules: whole
// months first (a day is borrowed when the end's time of day is earlier), then days, then time.

import { civilFromDays, daysFromCivil, daysInMonth, NANOS_PER_DAY } from '../../values/temporal.js';
import { localSeconds, partsOf, type Parts } from '../../values/temporal-build.js';
import { makeDuration } from '../../values/temporal-arith.js';
import { type CypherValue, DurationValue } from '../../values/value.js';
import { zoneOffsetAt, zoneOffsetAtInstant } from '../../values/zones.js';

export type BetweenUnit = 'all' | 'months' | 'days' | 'seconds';

function monthsBetween(a: number, b: number): number {
  const ca = civilFromDays(a), cb = civilFromDays(b);
  const packed1 = (ca.year * 12 + ca.month - 1) * 32 + ca.day;
  const packed2 = (cb.year * 12 + cb.month - 1) * 32 + cb.day;
  return Math.trunc((packed2 - packed1) / 32);
}

function plusMonths(days: number, months: number): number {
  if (months === 0) return days;
  const c = civilFromDays(days);
  const total = c.year * 12 + (c.month - 1) + months;
  const y = Math.floor(total / 12), m = total - y * 12 + 1;
  return daysFromCivil(y, m, Math.min(c.day, daysInMonth(y, m)));
}

function adjustedEnd(dA: number, nA: bigint, dB: number, nB: bigint): number {
  if (dB > dA && nB < nA) return dB - 1;
  if (dB < dA && nB > nA) return dB + 1;
  return dB;
}

interface Point { days: number; nod: bigint; offset: number; zone: string | null; zoned: boolean }

function offsetAtLocal(zone: string | null, fixed: number, days: number, nod: bigint): number {
  if (zone === null) return fixed;
  const { seconds } = localSeconds(days, nod);
  return zoneOffsetAt(zone, seconds);
}

function instantNanos(p: { days: number; nod: bigint; offset: number }): bigint {
  return BigInt(p.days) * NANOS_PER_DAY + p.nod - BigInt(p.offset) * 1_000_000_000n;
}

/**
 * Completes both sides: a side without a date borrows the other's, a side without a time is at
 * midnight, and a side without a zone is read in the other's zone.
 */
function complete(px: Parts, py: Parts): [Point, Point] {
  const dx = px.days ?? py.days ?? 0, dy = py.days ?? px.days ?? 0;
  const nx = px.nod ?? 0n, ny = py.nod ?? 0n;
  const zx = px.offset !== null, zy = py.offset !== null;
  const refZone = zx ? px.zone : zy ? py.zone : null;
  const refOffset = zx ? px.offset! : zy ? py.offset! : 0;
  const ox = zx ? px.offset! : offsetAtLocal(refZone, refOffset, dx, nx);
  const oy = zy ? py.offset! : offsetAtLocal(refZone, refOffset, dy, ny);
  return [
    { days: dx, nod: nx, offset: ox, zone: zx ? px.zone : refZone, zoned: zx || zy },
    { days: dy, nod: ny, offset: oy, zone: zy ? py.zone : refZone, zoned: zx || zy },
  ];
}

export function durationBetween(x: CypherValue, y: CypherValue, unit: BetweenUnit): DurationValue {
  const px = partsOf(x)!, py = partsOf(y)!;
  const [a, b] = complete(px, py);
  const ia = instantNanos(a), ib = instantNanos(b);
  const hasDates = px.days !== null && py.days !== null;
  if (unit === 'seconds') return makeDuration(0n, 0n, 0n, ib - ia);
  if (!hasDates) {
    if (unit === 'months' || unit === 'days') return new DurationValue(0n, 0n, 0n, 0);
    return makeDuration(0n, 0n, 0n, ib - ia);
  }
  // Calendar units are counted on local date-times, with y expressed in x's zone.
  let by = b;
  if (a.zoned) {
    const off = a.zone !== null ? zoneOffsetAtInstant(a.zone, floorDiv(ib, 1_000_000_000n)) : a.offset;
    const local = ib + BigInt(off) * 1_000_000_000n;
    const d = Number(floorDiv(local, NANOS_PER_DAY));
    by = { ...b, days: d, nod: local - BigInt(d) * NANOS_PER_DAY };
  }
  if (unit === 'days') return makeDuration(0n, BigInt(adjustedEnd(a.days, a.nod, by.days, by.nod) - a.days), 0n, 0n);
  const months = monthsBetween(a.days, adjustedEnd(a.days, a.nod, by.days, by.nod));
  if (unit === 'months') return makeDuration(BigInt(months), 0n, 0n, 0n);
  const afterMonths = plusMonths(a.days, months);
  const days = adjustedEnd(afterMonths, a.nod, by.days, by.nod) - afterMonths;
  const midDays = afterMonths + days;
  const mid = { days: midDays, nod: a.nod, offset: offsetAtLocal(a.zone, a.offset, midDays, a.nod) };
  return makeDuration(BigInt(months), BigInt(days), 0n, ib - instantNanos(mid));
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}
