import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
// <dist>/test/integration → the repository root is three folders up; shared material sits beside it.
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MOVIES = join(REPO_ROOT, '..', 'shared', 'datasets', 'movies.cypher');
const haveMovies = existsSync(MOVIES);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

async function waitForPort(port: number, server: ChildProcess, output: () => string): Promise<void> {
  for (let attempt = 0; attempt < 150; attempt++) {
    if (server.exitCode !== null) throw new Error(`server exited early (${server.exitCode}):\n${output()}`);
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not listen on ${port} within 15 s:\n${output()}`);
}

interface ShellRun { code: number | null; stdout: string; stderr: string }

function runShell(args: string[], stdinFile?: string): Promise<ShellRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, 'shell', ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env['PATH'] ?? '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    if (stdinFile === undefined) child.stdin.end();
    else createReadStream(stdinFile).pipe(child.stdin);
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`shell timed out\n${stdout}\n${stderr}`)); }, 60_000);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

test('movies.cypher loads through `causeway shell` into a real server: 171 nodes, 253 relationships', { skip: haveMovies ? false : `${MOVIES} is missing (../shared not present); cannot load the movies dataset`, timeout: 120_000 }, async () => {
  // Proves the documented seeding path end to end: real server process, real shell process, stdin script, plain output.
  const home = mkdtempSync(join(tmpdir(), 'causeway-movies-'));
  const port = await freePort();
  let serverOutput = '';
  const server = spawn(process.execPath, [MAIN, 'console'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env['PATH'] ?? '',
      NEO4J_HOME: home,
      NEO4J_server_bolt_listen__address: `127.0.0.1:${port}`,
      NEO4J_server_http_enabled: 'false',
      NEO4J_causeway_storage_fsync__on__commit: 'false',
    },
  });
  server.stdout?.on('data', (d: Buffer) => (serverOutput += d.toString()));
  server.stderr?.on('data', (d: Buffer) => (serverOutput += d.toString()));
  try {
    await waitForPort(port, server, () => serverOutput);
    const address = `bolt://127.0.0.1:${port}`;
    const load = await runShell(['-a', address, '-u', 'neo4j', '-p', 'neo4j', '--format', 'plain'], MOVIES);
    assert.equal(load.code, 0, `loading movies failed:\n${load.stderr}\n${serverOutput}`);
    assert.equal(load.stderr, '');

    const count = await runShell(['-a', address, '-u', 'neo4j', '-p', 'neo4j', '--format', 'plain',
      'MATCH (n) WITH count(n) AS nodes MATCH ()-[r]->() RETURN nodes, count(r) AS relationships']);
    assert.equal(count.code, 0, count.stderr);
    assert.equal(count.stdout, 'nodes, relationships\n171, 253\n');

    const keanu = await runShell(['-a', address, '-u', 'neo4j', '-p', 'neo4j', '--format', 'plain',
      "MATCH (p:Person {name: 'Keanu Reeves'}) RETURN p.name, p.born"]);
    assert.equal(keanu.stdout, 'p.name, p.born\n"Keanu Reeves", 1964\n');

    // Fail-fast: the bad statement stops the script, the error goes to stderr, the exit code is non-zero.
    const script = join(home, 'fail-fast.cypher');
    writeFileSync(script, "CREATE (:Marker {step: 1});\nTHIS IS NOT CYPHER;\nCREATE (:Marker {step: 2});\n");
    const bad = await runShell(['-a', address, '-u', 'neo4j', '-p', 'neo4j', '--format', 'plain'], script);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /THIS|Invalid input/);
    const markers = await runShell(['-a', address, '-u', 'neo4j', '-p', 'neo4j', '--format', 'plain', 'MATCH (m:Marker) RETURN m.step']);
    assert.equal(markers.stdout, 'm.step\n1\n');
  } finally {
    server.kill('SIGTERM');
    await new Promise<void>((resolve) => {
      if (server.exitCode !== null) return resolve();
      const timer = setTimeout(() => { server.kill('SIGKILL'); }, 5_000);
      server.once('exit', () => { clearTimeout(timer); resolve(); });
    });
    rmSync(home, { recursive: true, force: true });
  }
});
