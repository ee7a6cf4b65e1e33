import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAIN, freePort, runShell, startConsole } from './shell-harness.js';

// util-linux `script` gives the shell a real terminal, which is what makes it interactive.
const haveScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

test('interactive shell on a terminal: prompt, table output, transaction prompt, :exit', { skip: haveScript ? false : 'util-linux `script` is not installed; cannot give the shell a terminal', timeout: 60_000 }, async () => {
  // Proves the REPL path end to end: welcome line, neo4j@neo4j> prompt, verbose tables by default, # inside :begin.
  const home = mkdtempSync(join(tmpdir(), 'causeway-repl-'));
  const port = await freePort();
  const server = await startConsole({
    NEO4J_HOME: home, NEO4J_server_bolt_listen__address: `127.0.0.1:${port}`, NEO4J_server_http_enabled: 'false',
    NEO4J_causeway_storage_fsync__on__commit: 'false',
  }, port).catch((error: unknown) => { rmSync(home, { recursive: true, force: true }); throw error; });
  try {
    const command = `'${process.execPath}' '${MAIN}' shell -a bolt://127.0.0.1:${port} -u neo4j -p neo4j`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env['PATH'] ?? '', TERM: 'dumb' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.stdin.write('RETURN 1 AS x,\n"two" AS y;\n:begin\nCREATE (:Repl);\n:commit\nMATCH (n:Repl) RETURN count(n) AS n;\n:exit\n');
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`interactive shell did not exit:\n${output}`)); }, 30_000);
      child.on('exit', (c) => { clearTimeout(timer); resolve(c); });
    });
    assert.equal(code, 0, output);
    assert.match(output, /Connected to .* at bolt:\/\/127\.0\.0\.1:\d+ as user neo4j\./);
    assert.match(output, /neo4j@neo4j> /);
    assert.match(output, /\| x \| y     \|/);
    assert.match(output, /\| 1 \| "two" \|/);
    assert.match(output, /neo4j@neo4j# /);
    assert.match(output, /\| n \|\s*\r?\n\+-+\+\s*\r?\n\| 1 \|/);
  } finally {
    await server.stop();
    rmSync(home, { recursive: true, force: true });
  }
});

test('--change-password asks twice on the terminal and the new password is the one that works', { skip: haveScript ? false : 'util-linux `script` is not installed; cannot give the shell a terminal', timeout: 60_000 }, async () => {
  // Proves cypher-shell's password change flow against the real server (ALTER CURRENT USER on system).
  const home = mkdtempSync(join(tmpdir(), 'causeway-passwd-'));
  const port = await freePort();
  const server = await startConsole({
    NEO4J_HOME: home, NEO4J_server_bolt_listen__address: `127.0.0.1:${port}`, NEO4J_server_http_enabled: 'false',
    NEO4J_causeway_storage_fsync__on__commit: 'false',
  }, port).catch((error: unknown) => { rmSync(home, { recursive: true, force: true }); throw error; });
  try {
    const address = `bolt://127.0.0.1:${port}`;
    const command = `'${process.execPath}' '${MAIN}' shell -a ${address} -u neo4j -p neo4j --change-password`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env['PATH'] ?? '', TERM: 'dumb' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.stdin.write('fresh-secret-1\nfresh-secret-1\n');
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`--change-password did not exit:\n${output}`)); }, 30_000);
      child.on('exit', (c) => { clearTimeout(timer); resolve(c); });
    });
    assert.equal(code, 0, output);
    // The terminal itself echoes input typed before the shell starts; from the first prompt on, only stars.
    const afterPrompt = output.slice(output.indexOf('new password: '));
    assert.match(afterPrompt, /^new password: \*+/);
    assert.doesNotMatch(afterPrompt, /fresh-secret-1/);
    const withNew = await runShell(['-a', address, '-u', 'neo4j', '-p', 'fresh-secret-1', 'RETURN 1 AS ok']);
    assert.equal(withNew.stdout, 'ok\n1\n', withNew.stderr);
    const withOld = await runShell(['-a', address, '-u', 'neo4j', '-p', 'neo4j', 'RETURN 1 AS ok']);
    assert.equal(withOld.code, 1);
  } finally {
    await server.stop();
    rmSync(home, { recursive: true, force: true });
  }
});
