// Proves version negotiation on the exact openers of the four JS driver generations (BOLT.md 1.3),
// range handling, the no-match reply and detection of non-Bolt clients.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseVersion, negotiate } from './handshake.js';
import { capabilitiesOf } from './versions.js';

function hex(text: string): Uint8Array {
  return Uint8Array.from(text.split(' ').map((b) => parseInt(b, 16)));
}

test('each driver generation gets the version it prefers', () => {
  // The openers are the exact bytes the installed drivers send (BOLT.md 1.3).
  const cases: [string, string][] = [
    ['60 60 B0 17 00 00 01 FF 00 08 08 05 00 02 04 04 00 00 00 03', '00 00 08 05'], // 6.3.0 / 5.28.3
    ['60 60 B0 17 00 02 04 04 00 00 01 04 00 00 00 04 00 00 00 03', '00 00 04 04'], // 4.4.11
    ['60 60 B0 17 00 00 00 03 00 00 00 02 00 00 00 01 00 00 00 00', '00 00 00 03'], // 1.7.8
  ];
  for (const [opener, reply] of cases) {
    const outcome = negotiate(hex(opener));
    assert.equal(outcome.kind, 'agreed');
    assert.deepEqual(outcome.kind === 'agreed' && outcome.reply, hex(reply));
  }
});

test('ranges never select 5.5 and fall through to lower supported minors', () => {
  // 5.5 must never be negotiated (drivers refuse it), and a range must still find a lower version.
  assert.deepEqual(chooseVersion([{ major: 5, minor: 5, range: 0 }, { major: 5, minor: 4, range: 4 }]), { major: 5, minor: 4 });
  assert.deepEqual(chooseVersion([{ major: 5, minor: 5, range: 1 }]), { major: 5, minor: 4 });
  assert.equal(chooseVersion([{ major: 6, minor: 1, range: 1 }, { major: 2, minor: 0, range: 0 }]), undefined);
});

test('no common version answers 00 00 00 00', () => {
  // Drivers expect four zero bytes before the close when nothing matches.
  const outcome = negotiate(hex('60 60 B0 17 00 00 00 02 00 00 00 01 00 00 00 00 00 00 00 00'));
  assert.equal(outcome.kind, 'no-version');
});

test('HTTP and garbage are recognised as not Bolt', () => {
  // An HTTP request or TLS hello on the Bolt port must not be mistaken for Bolt.
  const http = negotiate(new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n'));
  assert.deepEqual(http, { kind: 'not-bolt', looksLikeHttp: true });
  assert.deepEqual(negotiate(new Uint8Array(20).fill(0x16)), { kind: 'not-bolt', looksLikeHttp: false });
});

test('capabilities follow the version table', () => {
  // Per-version differences live in one table; these are the ones drivers trip over.
  const v44 = capabilitiesOf({ major: 4, minor: 4 });
  assert.equal(v44.authInHello, true);
  assert.equal(v44.utcPatchable, true);
  assert.equal(v44.elementIds, false);
  const v51 = capabilitiesOf({ major: 5, minor: 1 });
  assert.equal(v51.authInHello, false);
  assert.equal(v51.elementIds, true);
  assert.equal(capabilitiesOf({ major: 5, minor: 7 }).gqlFailure, true);
  assert.equal(capabilitiesOf({ major: 3, minor: 0 }).pullWithN, false);
});
