// Bulk import throughput: generates node and relationship CSV files (typed columns, an id space,
// an array column), runs the real `causeway admin database import full` on them as a child
// process, and reports rows per second, wall clock and the importer's own summary.
// Run by hand: node dist/bench/admin-import.js [--nodes N] [--relationships M]
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const CLI_MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

function arg(name: string, byDefault: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : byDefault;
}

const nodes = arg('nodes', 500_000);
const relationships = arg('relationships', 500_000);

/** writes lines in 1 MiB pieces (bounded buffer) */
function writeCsv(path: string, header: string, rows: number, line: (i: number) => string): void {
  const fd = openSync(path, 'w');
  try {
    let buffer = `${header}\n`;
    for (let i = 0; i < rows; i++) {
      buffer += `${line(i)}\n`;
      if (buffer.length > 1 << 20) {
        writeSync(fd, buffer);
        buffer = '';
      }
    }
    writeSync(fd, buffer);
  } finally {
    closeSync(fd);
  }
}

const home = mkdtempSync(join(tmpdir(), 'causeway-bench-import-'));
try {
  mkdirSync(join(home, 'csv'));
  const nodeFile = join(home, 'csv', 'people.csv');
  const relFile = join(home, 'csv', 'knows.csv');
  writeCsv(nodeFile, 'id:ID(Person),name,age:int,score:double,tags:string[]', nodes, (i) => `${i},person ${i},${i % 90},${(i % 1000) / 10},t${i % 7};t${i % 11}`);
  // a fixed-stride walk: every relationship's ends exist, spread over the whole id range
  writeCsv(relFile, ':START_ID(Person),:END_ID(Person),since:int', relationships, (i) => `${i % nodes},${(i * 7919 + 13) % nodes},${2000 + (i % 25)}`);
  const inputBytes = statSync(nodeFile).size + statSync(relFile).size;
  const started = performance.now();
  const result = spawnSync(process.execPath, [CLI_MAIN, 'admin', 'database', 'import', 'full',
    `--nodes=Person=${nodeFile}`, `--relationships=KNOWS=${relFile}`, 'neo4j'], {
    cwd: home, env: { PATH: process.env.PATH ?? '', NEO4J_HOME: home }, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 30 * 60_000,
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`import failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  const summary = /IMPORT DONE[\s\S]*$/.exec(result.stdout)?.[0] ?? '';
  const storeBytes = statSync(join(home, 'data', 'databases', 'neo4j', 'graph.mdb')).size;
  const rows = nodes + relationships;
  process.stdout.write(`admin import: ${nodes} nodes + ${relationships} relationships (${(inputBytes / 2 ** 20).toFixed(1)} MiB of CSV)\n`
    + `  wall clock ${seconds.toFixed(1)} s (process start to exit), ${Math.round(rows / seconds)} rows/s`
    + ` (${Math.round(nodes / seconds)} nodes/s + ${Math.round(relationships / seconds)} relationships/s over the whole run)\n`
    + `  store ${(storeBytes / 2 ** 20).toFixed(1)} MiB\n${summary.split('\n').map((l) => `  | ${l}`).join('\n')}\n`);
  process.stdout.write(`  load average during the run: ${loadavg().map((l) => l.toFixed(1)).join(' ')} (${process.env['HOSTNAME'] ?? 'this machine'})\n`);
  const stages = [...result.stdout.matchAll(/^(.*) COMPLETED in (.*)$/gm)].map((m) => `${m[1]}: ${m[2]}`);
  process.stdout.write(`  stages: ${stages.join('; ')}\n`);
} finally {
  rmSync(home, { recursive: true, force: true });
}
