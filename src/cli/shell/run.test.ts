import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_ADDRESS, normalizeAddress, resolveShellOptions } from './run.js';

test('addresses: bare host:port becomes neo4j://, schemes are kept', () => {
  // Proves cypher-shell's address handling.
  assert.equal(normalizeAddress('localhost:7687'), 'neo4j://localhost:7687');
  assert.equal(normalizeAddress('db.example.com'), 'neo4j://db.example.com');
  assert.equal(normalizeAddress('bolt://127.0.0.1:7687'), 'bolt://127.0.0.1:7687');
  assert.equal(normalizeAddress('neo4j+s://x:1'), 'neo4j+s://x:1');
  assert.equal(DEFAULT_ADDRESS, 'neo4j://localhost:7687');
});

test('flags win over NEO4J_* variables, which win over defaults', () => {
  // Proves the precedence of -a/-u/-p/-d against NEO4J_ADDRESS/NEO4J_URI/NEO4J_USERNAME/NEO4J_PASSWORD/NEO4J_DATABASE.
  const env = { NEO4J_URI: 'bolt://env:1', NEO4J_USERNAME: 'envuser', NEO4J_PASSWORD: 'envpw', NEO4J_DATABASE: 'envdb' };
  const fromEnv = resolveShellOptions({}, env, false);
  assert.deepEqual(fromEnv, { uri: 'bolt://env:1', username: 'envuser', password: 'envpw', database: 'envdb', format: 'plain', interactive: false, accessMode: 'write' });
  assert.equal(resolveShellOptions({}, { ...env, NEO4J_ADDRESS: 'addr:2' }, false).uri, 'neo4j://addr:2');
  const fromFlags = resolveShellOptions({ address: 'h:3', username: 'u', password: 'p', database: 'd' }, env, false);
  assert.deepEqual([fromFlags.uri, fromFlags.username, fromFlags.password, fromFlags.database], ['neo4j://h:3', 'u', 'p', 'd']);
  const defaults = resolveShellOptions({}, {}, false);
  assert.deepEqual([defaults.uri, defaults.username, defaults.password, defaults.database], [DEFAULT_ADDRESS, 'neo4j', undefined, undefined]);
});

test('format auto is verbose only for an interactive terminal session', () => {
  // Proves --format auto and what makes a session interactive.
  assert.equal(resolveShellOptions({}, {}, true).format, 'verbose');
  assert.equal(resolveShellOptions({}, {}, true).interactive, true);
  assert.equal(resolveShellOptions({ nonInteractive: true }, {}, true).format, 'plain');
  assert.equal(resolveShellOptions({ file: 'x.cypher' }, {}, true).interactive, false);
  assert.equal(resolveShellOptions({ cypher: 'RETURN 1' }, {}, true).interactive, false);
  assert.equal(resolveShellOptions({ format: 'verbose' }, {}, false).format, 'verbose');
  assert.throws(() => resolveShellOptions({ format: 'json' }, {}, false), /invalid choice/);
});

test('access mode accepts read and write only', () => {
  // Proves --access-mode validation.
  assert.equal(resolveShellOptions({ accessMode: 'READ' }, {}, false).accessMode, 'read');
  assert.throws(() => resolveShellOptions({ accessMode: 'admin' }, {}, false), /access-mode/);
});

test('--encryption is validated and only combines with plain schemes', () => {
  // Proves true/false/default handling and the conflict with +s/+ssc schemes the driver would reject.
  assert.equal(resolveShellOptions({ encryption: 'true' }, {}, false).encrypted, true);
  assert.equal(resolveShellOptions({ encryption: 'false' }, {}, false).encrypted, false);
  assert.equal(resolveShellOptions({}, {}, false).encrypted, undefined);
  assert.equal(resolveShellOptions({ address: 'neo4j+s://x:1' }, {}, false).encrypted, undefined);
  assert.throws(() => resolveShellOptions({ address: 'neo4j+ssc://x:1', encryption: 'false' }, {}, false), /conflicts/);
  assert.throws(() => resolveShellOptions({ encryption: 'maybe' }, {}, false), /invalid choice/);
});
