// Runs every compiled *.test.js under the build folder through node's test runner.
// DIST picks the build folder (default dist), so parallel builds need not share one.
// Arguments filter test files by substring.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function collect(dir, out) {
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}
const dist = process.env.DIST ?? 'dist';
const filter = process.argv.slice(2);
let files = [...collect(join(dist, 'src'), []), ...collect(join(dist, 'test'), [])].sort();
if (filter.length) files = files.filter((f) => filter.some((p) => f.includes(p)));
if (files.length === 0) { console.error(`no test files found under ${dist}/`); process.exit(1); }
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
