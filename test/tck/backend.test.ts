import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngineBackend, type TckStore } from '../../src/tck/backend.js';
import { parseFeature } from '../../src/tck/features.js';
import { runScenario } from '../../src/tck/scenario.js';

const feature = readFileSync(new URL('../../../test/tck/fixtures/real.gherkin', import.meta.url), 'utf8');
const scenarios = parseFeature(feature, 'real/Real.feature');
// A small named graph of our own with the shape the fixture relies on (one :A with four relationships).
const graphScripts = { 'binary-tree-1': "CREATE (a:A {name: 'a'}), (a)-[:KNOWS]->(:X), (a)-[:KNOWS]->(:X), (a)-[:FOLLOWS]->(:X), (a)-[:FOLLOWS]->(:X)" };

for (const store of ['memory', 'durable'] as TckStore[]) {
  test(`the real engine passes the runner's fixture scenarios on the ${store} store`, async () => {
    // Proves the runner drives the real CypherEngine end to end, and that both storage engines answer alike.
    const scratchDir = store === 'durable' ? mkdtempSync(join(tmpdir(), 'causeway-tck-test-')) : undefined;
    try {
      const backend = await createEngineBackend({ graphScripts, store, ...(scratchDir === undefined ? {} : { scratchDir }) },
        (path) => rmSync(path, { recursive: true, force: true }));
      assert.equal(scenarios.length, 5);
      for (const scenario of scenarios) {
        const outcome = await runScenario(scenario, backend);
        assert.ok(outcome.passed, `${scenario.key}: ${outcome.passed ? '' : outcome.message}`);
      }
    } finally {
      if (scratchDir !== undefined) rmSync(scratchDir, { recursive: true, force: true });
    }
  });
}
