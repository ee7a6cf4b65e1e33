// Proves (a short run of `npm run fuzz`) that hostile input over Bolt, WebSocket and HTTP cannot
// crash, hang or bloat the real server, and that well-formed clients alongside see no error.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFreshServer } from '../fuzz/fresh-server.js';

const RSS_BOUND_MB = 512;

test('20,000 malformed frames: no exit, no unexpected error, RSS bounded, well-formed clients unaffected', { timeout: 180_000 }, async () => {
  const { report, unexpectedErrors, exitCode } = await fuzzFreshServer({ frames: 20_000, seed: 12, concurrency: 4, deadlineMs: 120_000 });
  assert.equal(report.serverExited, false);
  assert.equal(exitCode, 0, 'clean shutdown after the run');
  assert.deepEqual(unexpectedErrors, []);
  assert.deepEqual(report.databaseErrors, [], 'bad input answered as a server fault');
  assert.deepEqual(report.canary.errors, []);
  assert.ok(report.canary.boltRequests > 0 && report.canary.httpRequests > 0, 'well-formed clients ran alongside');
  assert.ok(report.framesDelivered >= 20_000, `delivered ${report.framesDelivered}`);
  assert.ok(report.byTransport.http.frames > 0 && report.byTransport.websocket.frames > 0, 'every transport was fuzzed');
  assert.ok(report.peakRssMb < RSS_BOUND_MB, `peak RSS ${report.peakRssMb} MB`);
});
