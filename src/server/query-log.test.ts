// Proves the query log: Neo4j's line layout with id, time, origin, database, user, query,
// parameters and tx metadata; the threshold; failures always logged; settings parsing; rotation.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rotatingFileSink } from '../env/node/log-file.js';
import { QueryLogFormatter, queryLogSettings } from './query-log.js';

const event = {
  connectionId: 'bolt-3', userAgent: 'neo4j-javascript/6.3.0', user: 'neo4j', database: 'neo4j',
  query: 'MATCH (n)\n  RETURN n', params: new Map([['x', 1n]]), elapsedMs: 12.4, txMetadata: new Map([['app', 'a']]),
};

test('lines follow Neo4j 5 layout; fast queries below the threshold are skipped, failures never', () => {
  // Log tooling parses these fields by position.
  const formatter = new QueryLogFormatter({ thresholdMs: 10, logParameters: true });
  const at = Date.UTC(2026, 10, 26, 7, 32, 11, 123);
  assert.equal(formatter.format(event, at),
    "2026-11-26 07:32:11.123+0000 INFO  id:1 - 12 ms: 0 B - bolt-session\tbolt\tneo4j-javascript/6.3.0\t\tbolt-3>\tneo4j - neo4j - MATCH (n) RETURN n - {x: 1} - runtime=causeway - {app: 'a'}");
  assert.equal(formatter.format({ ...event, elapsedMs: 3 }, at), undefined);
  const failed = formatter.format({ ...event, elapsedMs: 1, error: { code: 'Neo.ClientError.Statement.SyntaxError', message: 'bad' } }, at);
  assert.match(failed!, /ERROR id:3 - 1 ms: .* - Neo\.ClientError\.Statement\.SyntaxError: bad$/);
});

test('settings: off by default; INFO/VERBOSE/true enable; thresholds take units', () => {
  // Users paste 3.5 and 5.x spellings alike.
  assert.equal(queryLogSettings(new Map()), undefined);
  assert.deepEqual(queryLogSettings(new Map([['db.logs.query.enabled', 'INFO'], ['db.logs.query.threshold', '500ms']])), { thresholdMs: 500, logParameters: true });
  assert.deepEqual(queryLogSettings(new Map([['dbms.logs.query.enabled', 'true'], ['dbms.logs.query.threshold', '2s'],
    ['dbms.logs.query.parameter_logging_enabled', 'false']])), { thresholdMs: 2000, logParameters: false });
  assert.throws(() => queryLogSettings(new Map([['db.logs.query.enabled', 'LOUD']])), /expected OFF, INFO or VERBOSE/);
});

test('the log file rotates by size and keeps a bounded number of files', () => {
  // An always-on log must not fill the disk.
  const dir = mkdtempSync(join(tmpdir(), 'causeway-qlog-'));
  try {
    const sink = rotatingFileSink(join(dir, 'query.log'), { maxBytes: 100, keepFiles: 2 });
    for (let i = 0; i < 20; i++) sink(`line ${i} ${'x'.repeat(30)}`);
    assert.deepEqual(readdirSync(dir).sort(), ['query.log', 'query.log.1', 'query.log.2']);
    assert.match(readFileSync(join(dir, 'query.log'), 'utf8'), /line 19/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
