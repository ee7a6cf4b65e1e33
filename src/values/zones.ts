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
 * The offset that turns a local date-time in `zone` (seconds since epoch as if UTC) into its
 * instant (instant = local − offset), resolved as java.time's ZonedDateTime.ofLocal does, so as
 * Neo4j: in an overlap (clocks turned back) the preferred offset when it is one of the two, else
 * the earlier instant's; in a gap (clocks turned forward) the offset before the gap, so the
 * instant's own offset shows the local time moved forward by the gap's length (02:30 in a skipped
 * hour becomes 03:30). Read the instant's offset with zoneOffsetAtInstant.
 */
export function zoneOffsetAt(zone: string, localEpochSeconds: bigint, preferredOffset?: number): number {
  const atLocal = zoneOffsetAtInstant(zone, localEpochSeconds);
  // The offsets in force around the local time; transitions are more than a day apart.
  const candidates = new Set([
    atLocal, zoneOffsetAtInstant(zone, localEpochSeconds - BigInt(atLocal)),
    zoneOffsetAtInstant(zone, localEpochSeconds - 86_400n), zoneOffsetAtInstant(zone, localEpochSeconds + 86_400n),
  ]);
  const valid = [...candidates].filter((o) => zoneOffsetAtInstant(zone, localEpochSeconds - BigInt(o)) === o);
  if (valid.length === 1) return valid[0]!;
  if (valid.length === 0) return zoneOffsetAtInstant(zone, localEpochSeconds - BigInt(Math.max(...candidates)));
  if (preferredOffset !== undefined && valid.includes(preferredOffset)) return preferredOffset;
  return Math.max(...valid);
}
