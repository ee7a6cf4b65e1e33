import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CAUSEWAY_VERSION, NEO4J_DRIVER_VERSION } from './version.js';

test('the CLI reports the version package.json declares', () => {
  // Proves CAUSEWAY_VERSION was bumped together with package.json (found by walking up from the build folder).
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(CAUSEWAY_VERSION, pkg.version);
});

test('the shell reports the neo4j-driver version that is installed', () => {
  // Proves --driver-version tells the truth after a dependency bump.
  const driverPkg = JSON.parse(readFileSync(new URL('../../../node_modules/neo4j-driver/package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(NEO4J_DRIVER_VERSION, driverPkg.version);
});
