// Time-zone offsets for named zones, needed to translate between Bolt's DateTime variants.
// Uses the ICU tz database bundled with Node (Intl); pure: no clock is read.

const formatters = new Map<string, Intl.DateTimeFormat>();
const MAX_CACHED_ZONES = 1_000;

function formatterFor(zoneId: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zoneId);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zoneId,
      hourCycle: 'h23',
      year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    if (formatters.size >= MAX_CACHED_ZONES) formatters.clear();
    formatters.set(zoneId, formatter);
  }
  return formatter;
}

/** Whether the zone id is known to the tz database. */
export function isKnownZone(zoneId: string): boolean {
  try {
    formatterFor(zoneId);
    return true;
  } catch {
    return false;
  }
}

/** Offset from UTC (seconds) in effect in `zoneId` at the UTC instant `epochSeconds`. */
export function zoneOffsetSecondsAt(zoneId: string, epochSeconds: bigint): number {
  const seconds = Number(epochSeconds);
  // Intl works on millisecond Dates; beyond its range fall back to the nearest representable instant.
  const clamped = Math.max(-8.64e12, Math.min(8.64e12, seconds));
  const parts = formatterFor(zoneId).formatToParts(new Date(clamped * 1000));
  const field = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  let year = field('year');
  if (parts.find((p) => p.type === 'era')?.value === 'BC') year = 1 - year;
  const wallAsUtc = Date.UTC(year, field('month') - 1, field('day'), field('hour'), field('minute'), field('second')) / 1000;
  return Math.round(wallAsUtc - Math.floor(clamped));
}

/** UTC epoch seconds of a wall-clock time (given as seconds "as if UTC") in `zoneId`. */
export function wallClockToUtcSeconds(zoneId: string, localSeconds: bigint): bigint {
  const firstGuess = zoneOffsetSecondsAt(zoneId, localSeconds);
  const secondGuess = zoneOffsetSecondsAt(zoneId, localSeconds - BigInt(firstGuess));
  return localSeconds - BigInt(secondGuess);
}
