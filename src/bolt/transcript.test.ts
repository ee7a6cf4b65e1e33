// Runs every Bolt conversation transcript in src/bolt/testdata/*.script (readable C:/S: scenarios
// of the state machine); each must match exactly, message by message.

import { test } from 'node:test';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runTranscript } from './transcript.js';

// Transcripts are not compiled: read them from the source tree (the build folder sits beside src/).
const dir = fileURLToPath(new URL('../../../src/bolt/testdata/', import.meta.url));

for (const file of readdirSync(dir).filter((name) => name.endsWith('.script')).sort()) {
  test(`transcript ${file}`, async () => {
    // Each transcript is a complete conversation; any extra, missing or different message fails it.
    await runTranscript(readFileSync(dir + file, 'utf8'));
  });
}
