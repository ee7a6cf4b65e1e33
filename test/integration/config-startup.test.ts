import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAIN, TEST_PASSWORD, freePort, runShell, startConsole, startConsoleInTempHome } from './shell-harness.js';


interface Exit { code: number | null; stdout: string; stderr: string }

/** Runs `causeway console` in a temp NEO4J_HOME; the process must exit by itself within the budget. */
function runConsole(confText: string | undefined, env: Record<string, string> = {}): Promise<Exit> {
  const home = mkdtempSync(join(tmpdir(), 'causeway-config-'));
  if (confText !== undefined) {
    mkdirSync(join(home, 'conf'));
    writeFileSync(join(home, 'conf', 'neo4j.conf'), confText);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, 'console'], { env: { PATH: process.env['PATH'] ?? '', NEO4J_HOME: home, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rmSync(home, { recursive: true, force: true });
      reject(new Error(`causeway console did not exit\n${stdout}\n${stderr}`));
    }, 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      rmSync(home, { recursive: true, force: true });
      resolve({ code, stdout, stderr });
    });
  });
}

test('a typo in neo4j.conf stops startup with an error naming the key', async () => {
  // Proves strict validation reaches the user as a non-zero exit and a readable message.
  const result = await runConsole('server.bolt.listen_adress=:7687\n');
  assert.equal(result.code, 1);
  assert.match(result.stderr, /Unrecognized setting "server\.bolt\.listen_adress"/);
});

test('a malformed value from a Docker-style variable names the key', async () => {
  // Proves NEO4J_* variables are validated like the file.
  const result = await runConsole(undefined, { NEO4J_server_bolt_listen__address: '127.0.0.1:notaport' });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /server\.bolt\.listen_address/);
  assert.match(result.stderr, /not a port/);
});

test('a 3.5-style neo4j.conf configures the real server; unused Neo4j keys are only noted', { timeout: 60_000 }, async () => {
  // Proves 3.5 key spellings reach the listeners and that heap/JVM settings do not stop startup.
  const home = mkdtempSync(join(tmpdir(), 'causeway-config35-'));
  const port = await freePort();
  mkdirSync(join(home, 'conf'));
  writeFileSync(join(home, 'conf', 'neo4j.conf'), [
    `dbms.connector.bolt.listen_address=127.0.0.1:${port}`,
    'dbms.connector.http.enabled=false',
    'dbms.directories.data=store',
    'dbms.memory.heap.max_size=1G',
    'dbms.jvm.additional=-XX:+UseG1GC',
    '',
  ].join('\n'));
  const server = await startConsole({ NEO4J_HOME: home, NEO4J_AUTH: `neo4j/${TEST_PASSWORD}` }, port).catch((error: unknown) => {
    rmSync(home, { recursive: true, force: true });
    throw error;
  });
  try {
    const result = await runShell(['-a', `bolt://127.0.0.1:${port}`, '-u', 'neo4j', '-p', TEST_PASSWORD, '--format', 'plain', 'RETURN 1 AS one']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'one\n1\n');
    assert.match(server.output(), /dbms\.memory\.heap\.max_size.*does not use/);
    assert.ok(existsSync(join(home, 'store')), 'data directory from dbms.directories.data');
  } finally {
    await server.stop();
    rmSync(home, { recursive: true, force: true });
  }
});

test('a cluster mode without discovery members is refused, naming the setting to set', async () => {
  // Proves a core or replica that could never find its cluster stops at startup instead of running alone.
  const result = await runConsole('dbms.mode=READ_REPLICA\nserver.bolt.enabled=false\nserver.http.enabled=false\n');
  assert.equal(result.code, 1);
  assert.match(result.stdout + result.stderr, /dbms\.mode=READ_REPLICA needs the other members: set causal_clustering\.initial_discovery_members/);
});

test('NEO4J_AUTH=neo4j/<password> is the first password of a fresh server', { timeout: 60_000 }, async () => {
  // Proves the Docker-style initial password travels from the environment through the config to the users file.
  const server = await startConsoleInTempHome('causeway-auth-', { NEO4J_AUTH: 'neo4j/docker-secret' });
  try {
    const address = server.address;
    const good = await runShell(['-a', address, '-u', 'neo4j', '-p', 'docker-secret', 'RETURN 1 AS ok']);
    assert.equal(good.stdout, 'ok\n1\n', good.stderr);
    const stale = await runShell(['-a', address, '-u', 'neo4j', '-p', 'neo4j', 'RETURN 1 AS ok']);
    assert.equal(stale.code, 1);
  } finally {
    await server.close();
  }
});
