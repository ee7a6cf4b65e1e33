// Proves the log line layout matches Neo4j's ("2026-11-26 07:32:11.123+0000 INFO  Started.") and
// that levels filter.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, formatLogLine } from './log.js';
import { discoveryDocument } from './http/discovery.js';

test('log lines use Neo4j\'s timestamp and padded level', () => {
  // Operators and log shippers parse Neo4j's exact layout.
  const at = Date.UTC(2026, 10, 26, 7, 32, 11, 123);
  assert.equal(formatLogLine(at, 'INFO', 'Bolt enabled on 127.0.0.1:7687.'), '2026-11-26 07:32:11.123+0000 INFO  Bolt enabled on 127.0.0.1:7687.');
  assert.equal(formatLogLine(at, 'ERROR', 'x'), '2026-11-26 07:32:11.123+0000 ERROR x');
});

test('levels below the minimum are dropped; errors carry the cause', () => {
  // Debug noise stays out of the console; an error keeps its stack for diagnosis.
  const lines: string[] = [];
  const log = createLogger({ clock: { wallMs: () => 0 }, sink: (line) => lines.push(line), minLevel: 'INFO' });
  log.debug('hidden');
  log.info('shown');
  log.error('failed', new Error('cause here'));
  assert.equal(lines.length, 2);
  assert.match(lines[1]!, /ERROR failed\nError: cause here/);
});

test('the discovery document names both Bolt URLs, the version and the edition', () => {
  // Neo4j Browser and tools find the Bolt endpoints through this document.
  const doc = discoveryDocument({ boltAdvertised: 'db.example:7687', httpHost: 'db.example:7474' });
  assert.deepEqual(doc, {
    bolt_routing: 'neo4j://db.example:7687',
    bolt_direct: 'bolt://db.example:7687',
    transaction: 'http://db.example:7474/db/{databaseName}/tx',
    query: 'http://db.example:7474/db/{databaseName}/query/v2',
    neo4j_version: '5.26.0',
    neo4j_edition: 'community',
  });
});
