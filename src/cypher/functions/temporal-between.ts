// duration.between / inMonths / inDays / inSeconds, following java.time's `until` rules: whole
// months first (a day is borrowed when the end's time of day is earlier), then days, then time.

import { civilFromDays, daysFromCivil, daysInMonth, NANOS_PER_DAY } from '../values/temporal.js';
import { localSeconds, partsOf, shiftNod, type Parts } from '../values/temporal-build.js';
import { makeDuration } from '../values/temporal-arith.js';
import { type CypherValue, DurationValue } from '../values/value.js';
import { zoneOffsetAtInstant } from '../values/zones.js';

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

/** Expresses `p` in the offset of `ref` when both carry zone information. */
function alignZone(ref: Parts, p: Parts): Parts {
  if (ref.offset === null || p.offset === null) return p;
  if (p.days === null || ref.days === null) {
    return { ...p, nod: p.nod === null ? null : shiftNod(p.nod, p.offset, ref.offset), offset: ref.offset };
  }
  const { seconds, nanos } = localSeconds(p.days, p.nod ?? 0n);
  const instant = seconds - BigInt(p.offset);
  const off = ref.zone !== null ? zoneOffsetAtInstant(ref.zone, instant) : ref.offset;
  const local = instant + BigInt(off);
  const d = Number(local >= 0n ? local / 86400n : (local - 86399n) / 86400n);
  return { days: d, nod: (local - BigInt(d) * 86400n) * 1_000_000_000n + BigInt(nanos), offset: off, zone: ref.zone };
}

export function durationBetween(x: CypherValue, y: CypherValue, unit: BetweenUnit): DurationValue {
  const px = partsOf(x)!;
  const py = alignZone(px, partsOf(y)!);
  const nx = px.nod ?? 0n, ny = py.nod ?? 0n;
  if (px.days === null || py.days === null) {
    // No common calendar: only the time of day counts.
    if (unit === 'months' || unit === 'days') return new DurationValue(0n, 0n, 0n, 0);
    const nyAligned = px.nod === null || py.nod === null ? ny : ny;
    return makeDuration(0n, 0n, 0n, nyAligned - nx);
  }
  const dx = px.days, dy = py.days;
  const totalNanos = (BigInt(dy) * NANOS_PER_DAY + ny) - (BigInt(dx) * NANOS_PER_DAY + nx);
  if (unit === 'seconds') return makeDuration(0n, 0n, 0n, totalNanos);
  if (unit === 'days') return makeDuration(0n, BigInt(adjustedEnd(dx, nx, dy, ny) - dx), 0n, 0n);
  const months = monthsBetween(dx, adjustedEnd(dx, nx, dy, ny));
  if (unit === 'months') return makeDuration(BigInt(months), 0n, 0n, 0n);
  const afterMonths = plusMonths(dx, months);
  const days = adjustedEnd(afterMonths, nx, dy, ny) - afterMonths;
  const rest = (BigInt(dy) * NANOS_PER_DAY + ny) - (BigInt(afterMonths + days) * NANOS_PER_DAY + nx);
  return makeDuration(BigInt(months), BigInt(days), 0n, rest);
}
