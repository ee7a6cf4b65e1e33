import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAIN, TEST_PASSWORD, freePort, runShell } from './shell-harness.js';

test('causeway start / status / stop run the server in the background', { timeout: 90_000 }, async () => {
  // Proves the neo4j start/stop/status workflow: pid file, log file, exit code 3 when stopped, shell access meanwhile.
  const home = mkdtempSync(join(tmpdir(), 'causeway-daemon-'));
  const port = await freePort();
  const env = {
    PATH: process.env['PATH'] ?? '',
    NEO4J_HOME: home,
    NEO4J_server_bolt_listen__address: `127.0.0.1:${port}`,
    NEO4J_server_http_enabled: 'false',
    NEO4J_causeway_storage_fsync__on__commit: 'false',
  };
  const causeway = (verb: string, ...args: string[]) => spawnSync(process.execPath, [MAIN, verb, ...args], { env, encoding: 'utf8', timeout: 70_000 });
  try {
    // The documented first step of an automated install: the initial password before the first start.
    const initial = causeway('admin', 'set-initial-password', TEST_PASSWORD);
    assert.equal(initial.status, 0, initial.stderr);
    assert.equal(causeway('status').status, 3);
    const start = causeway('start');
    assert.equal(start.status, 0, `${start.stdout}\n${start.stderr}`);
    assert.match(start.stdout, /Started Causeway \(pid:\d+\)/);
    const pid = Number(readFileSync(join(home, 'run', 'causeway.pid'), 'utf8'));
    assert.ok(pid > 0);

    const status = causeway('status');
    assert.equal(status.status, 0);
    assert.match(status.stdout, new RegExp(`running at pid ${pid}`));
    assert.match(causeway('start').stdout, /already running/);

    const query = await runShell(['-a', `bolt://127.0.0.1:${port}`, '-u', 'neo4j', '-p', TEST_PASSWORD, 'RETURN 42 AS answer']);
    assert.equal(query.stdout, 'answer\n42\n');

    const restart = causeway('restart');
    assert.equal(restart.status, 0, restart.stdout);
    assert.match(restart.stdout, /stopped\.[\s\S]*Started Causeway/);
    const newPid = Number(readFileSync(join(home, 'run', 'causeway.pid'), 'utf8'));
    assert.notEqual(newPid, pid);

    const stop = causeway('stop');
    assert.equal(stop.status, 0, stop.stdout);
    assert.match(stop.stdout, /stopped/);
    assert.equal(causeway('status').status, 3);
    assert.ok(!existsSync(join(home, 'run', 'causeway.pid')));
    assert.match(readFileSync(join(home, 'logs', 'neo4j.log'), 'utf8'), /Started\.[\s\S]*Stopped\./);
  } finally {
    causeway('stop');
    rmSync(home, { recursive: true, force: true });
  }
});

test('a stale pid file (a dead or foreign process) does not count as a running server', { skip: existsSync('/proc/self/cmdline') ? false : 'no /proc: a live foreign pid cannot be told apart' }, () => {
  // Proves status/start recover from a pid file left behind by a crash or reboot.
  const home = mkdtempSync(join(tmpdir(), 'causeway-stale-'));
  try {
    mkdirSync(join(home, 'run'));
    // Our own pid: alive, but this test process is not `causeway console`.
    writeFileSync(join(home, 'run', 'causeway.pid'), `${process.pid}\n`);
    const status = spawnSync(process.execPath, [MAIN, 'status'], { env: { PATH: process.env['PATH'] ?? '', NEO4J_HOME: home }, encoding: 'utf8', timeout: 20_000 });
    assert.equal(status.status, 3, status.stdout);
    assert.ok(!existsSync(join(home, 'run', 'causeway.pid')), 'stale pid file removed');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
