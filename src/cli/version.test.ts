import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CAUSEWAY_VERSION } from './version.js';

test('the CLI reports the version package.json declares', () => {
  // Proves CAUSEWAY_VERSION was bumped together with package.json (found by walking up from the build folder).
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(CAUSEWAY_VERSION, pkg.version);
});
