import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Compiled tests run from dist-*/src/raft; the sources sit at the same relative place.
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const banned: readonly [RegExp, string][] = [
  [/\bDate\.now\(/, 'the clock (inject a Clock)'],
  [/\bperformance\.now\(/, 'the clock (inject a Clock)'],
  [/\bMath\.random\(/, 'randomness (inject a Random)'],
  [/\bset(Timeout|Interval|Immediate)\(/, 'timers (use a Ticker)'],
  [/from 'node:(fs|net|dgram|child_process|crypto|perf_hooks|timers)/, 'Node I/O (go through src/env)'],
  [/\bawait\b/, 'await (the core is synchronous)'],
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return sources(path);
    return d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') ? [path] : [];
  });
}

test('the Raft core and the replication shell touch no clock, randomness, timers or Node I/O', () => {
  // Proves the pure-core rule by scanning the sources of src/raft and src/replication.
  const files = [...sources(join(repoRoot, 'src', 'raft')), ...sources(join(repoRoot, 'src', 'replication'))];
  assert.ok(files.length > 10, `found ${files.length} source files under ${repoRoot}`);
  const offences: string[] = [];
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (line.trimStart().startsWith('//')) return;
      for (const [pattern, what] of banned) if (pattern.test(line)) offences.push(`${file}:${i + 1} uses ${what}`);
    });
  }
  assert.deepEqual(offences, []);
});
