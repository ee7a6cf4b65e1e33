// Proves named-zone date-times resolve around daylight-saving changes as Neo4j (java.time) does:
// a local time in a skipped hour moves forward by the gap, an ambiguous one takes the earlier
// offset unless an offset is written or kept, and duration arithmetic moves the date locally and
// the time part on the instant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineWith } from '../testing/engine.testlib.js';

async function text(expression: string): Promise<string> {
  const q = await engineWith([]);
  const rows = await q(`RETURN toString(${expression}) AS v`);
  return rows[0]![0] as string;
}

test('a local time in a skipped hour moves forward by the gap', async () => {
  assert.equal(await text("datetime({year: 2021, month: 3, day: 28, hour: 2, minute: 30, timezone: 'Europe/Stockholm'})"), '2021-03-28T03:30+02:00[Europe/Stockholm]');
  assert.equal(await text("datetime('2021-03-28T02:30[Europe/Stockholm]')"), '2021-03-28T03:30+02:00[Europe/Stockholm]');
  assert.equal(await text("datetime({year: 2021, month: 3, day: 14, hour: 2, minute: 15, timezone: 'America/New_York'})"), '2021-03-14T03:15-04:00[America/New_York]');
  assert.equal(await text("datetime({datetime: localdatetime('2021-03-28T02:30'), timezone: 'Europe/Stockholm'})"), '2021-03-28T03:30+02:00[Europe/Stockholm]');
});

test('an ambiguous local time takes the earlier offset unless one is written', async () => {
  assert.equal(await text("datetime({year: 2021, month: 10, day: 31, hour: 2, minute: 30, timezone: 'Europe/Stockholm'})"), '2021-10-31T02:30+02:00[Europe/Stockholm]');
  assert.equal(await text("datetime('2021-10-31T02:30+01:00[Europe/Stockholm]')"), '2021-10-31T02:30+01:00[Europe/Stockholm]');
});

test('durations move the date on the local clock and the time on the instant', async () => {
  assert.equal(await text("datetime('2021-03-27T02:30[Europe/Stockholm]') + duration({days: 1})"), '2021-03-28T03:30+02:00[Europe/Stockholm]');
  assert.equal(await text("datetime('2021-10-30T02:30[Europe/Stockholm]') + duration('P1D')"), '2021-10-31T02:30+02:00[Europe/Stockholm]');
  assert.equal(await text("datetime('2021-10-31T01:30+02:00[Europe/Stockholm]') + duration('PT1H')"), '2021-10-31T02:30+02:00[Europe/Stockholm]');
  assert.equal(await text("datetime('2021-10-31T01:30+02:00[Europe/Stockholm]') + duration('PT2H')"), '2021-10-31T02:30+01:00[Europe/Stockholm]');
  assert.equal(await text("datetime('2021-03-28T03:30[Europe/Stockholm]') - duration('PT1H')"), '2021-03-28T01:30+01:00[Europe/Stockholm]');
  assert.equal(await text("datetime('2021-06-15T12:00:00.5[Europe/Stockholm]') - duration('PT0.7S')"), '2021-06-15T11:59:59.800+02:00[Europe/Stockholm]');
});
