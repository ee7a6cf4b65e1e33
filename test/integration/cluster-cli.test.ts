// Proves `causeway cluster up | status | down` as a user runs them: up starts three background cores
// and returns once one leads, printing where everything is; the movies graph loads through the
// shell over neo4j:// routing; status shows one leader and the members' terms and positions; up
// again starts nothing twice; down stops exactly the processes up started.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultPorts, replicaPorts } from '../../src/cli/cluster.js';
import { clusterMemberConf, freeMemberPorts, portsAreFree } from './cluster-harness.js';
import { makeTempHome, removeTempHome, TEST_PASSWORD } from './harness.js';

const CLI_MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const MOVIES = '/work/shared/datasets/movies.cypher';

interface Run {
  readonly code: number | null;
  readonly out: string;
}

/** runs `causeway <args>` to completion (killed after timeoutMs); no query worker threads, to spare a small machine */
function causeway(args: readonly string[], cwd: string, options: { stdin?: string; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve) => {
    // NEO4J_AUTH gives every member the same first password (a fresh neo4j/neo4j must be changed first);
    // NEO4J_PASSWORD is what up/status check the members with.
    const env = { PATH: process.env['PATH'] ?? '', NEO4J_causeway_query_workers: '0', NEO4J_AUTH: `neo4j/${TEST_PASSWORD}`, NEO4J_PASSWORD: TEST_PASSWORD };
    const child = spawn(process.execPath, [CLI_MAIN, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (out += text));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

function pidsIn(dir: string): number[] {
  const pids: number[] = [];
  for (const name of ['core1', 'core2', 'core3', 'replica1', 'replica2']) {
    const file = join(dir, name, 'run', 'causeway.pid');
    if (existsSync(file)) pids.push(Number(readFileSync(file, 'utf8').trim()));
  }
  return pids;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** after a failure: SIGKILL the members this test's `cluster up` started (their pid files are in our temp dir) */
function killLeftovers(dir: string): void {
  for (const pid of pidsIn(dir)) {
    if (Number.isInteger(pid) && pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
  }
}

async function upStatusDown(work: string, dir: string, bolt: readonly number[], replicas = 0): Promise<void> {
  const up = await causeway(['cluster', 'up', '--dir', dir], work);
  assert.equal(up.code, 0, up.out);
  for (const port of bolt) assert.match(up.out, new RegExp(`bolt://127\\.0\\.0\\.1:${port}`));
  assert.match(up.out, /The cluster is up; core\d is the leader\./);
  assert.match(up.out, /core1\/logs\/neo4j\.log/);
  assert.ok(up.out.includes(join(dir, 'core1')) || up.out.includes('cluster/core1'), 'the homes are shown');
  assert.match(up.out, new RegExp(`npx causeway shell -a neo4j://127\\.0\\.0\\.1:${bolt[0]} -u neo4j -p ${TEST_PASSWORD}`));
  const pids = pidsIn(dir);
  assert.equal(pids.length, 3 + replicas);
  assert.ok(pids.every(alive));

  if (existsSync(MOVIES)) {
    const load = await causeway(['shell', '-a', `neo4j://127.0.0.1:${bolt[1]}`, '-u', 'neo4j', '-p', TEST_PASSWORD, '--format', 'plain'], work, { stdin: readFileSync(MOVIES, 'utf8') });
    assert.equal(load.code, 0, load.out);
    const count = await causeway(['shell', '-a', `neo4j://127.0.0.1:${bolt[2]}`, '-u', 'neo4j', '-p', TEST_PASSWORD, '--format', 'plain',
      'MATCH (n) WITH count(n) AS nodes MATCH ()-[r]->() RETURN nodes, count(r) AS relationships'], work);
    assert.equal(count.out.trim(), 'nodes, relationships\n171, 253');
  }

  const status = await causeway(['cluster', 'status', '--dir', dir], work);
  assert.equal(status.code, 0, status.out);
  const all = status.out.trim().split('\n').slice(1).map((line) => line.split(/\s+/));
  assert.deepEqual(all.map((row) => row[0]), ['core1', 'core2', 'core3', ...Array.from({ length: replicas }, (_, i) => `replica${i + 1}`)]);
  assert.ok(all.slice(3).every((row) => row[3] === 'READ_REPLICA'), status.out);
  const rows = all.slice(0, 3);
  assert.deepEqual(rows.map((row) => row[3]).sort(), ['FOLLOWER', 'FOLLOWER', 'LEADER']);
  assert.equal(new Set(rows.map((row) => row[4])).size, 1, 'one term');
  if (existsSync(MOVIES)) assert.ok(rows.every((row) => Number(row[5]) > 0 && Number(row[6]) > 0), status.out);

  const again = await causeway(['cluster', 'up', '--dir', dir], work);
  assert.equal(again.code, 0, again.out);
  assert.equal(again.out.match(/is already running/g)?.length, 3 + replicas, again.out);
  assert.deepEqual(pidsIn(dir), pids, 'nothing started twice');

  const down = await causeway(['cluster', 'down', '--dir', dir], work);
  assert.equal(down.code, 0, down.out);
  assert.match(down.out, /core1: stopped/);
  assert.ok(pids.every((pid) => !alive(pid)), 'every member process is gone');
  const after = await causeway(['cluster', 'status', '--dir', dir], work);
  assert.equal(after.code, 3);
  assert.match(after.out, /not running/);
}

test('cluster up / status / down on ports the test chose (existing member confs are kept)', { timeout: 240_000 }, async () => {
  const work = makeTempHome('causeway-cluster-cli-');
  const dir = join(work, 'cluster');
  try {
    const plan = await freeMemberPorts(3);
    for (let n = 1; n <= 3; n++) {
      mkdirSync(join(dir, `core${n}`, 'conf'), { recursive: true });
      writeFileSync(join(dir, `core${n}`, 'conf', 'neo4j.conf'), clusterMemberConf(n, plan, { 'causeway.query.workers': '0' }));
    }
    await upStatusDown(work, dir, plan.map((p) => p.bolt));
  } finally {
    killLeftovers(dir);
    removeTempHome(work);
  }
});

test('cluster up with no configuration lays out the seed ports: cores 11687, 12687, 13687 and replicas 21687, 22687', { timeout: 240_000 }, async (t) => {
  const fixed = [...[1, 2, 3].flatMap((n) => Object.values(defaultPorts(n))), ...[1, 2].flatMap((n) => Object.values(replicaPorts(n)))];
  if (!(await portsAreFree(fixed))) {
    t.skip(`the default cluster ports (${fixed.join(', ')}) are in use on this machine; the layout is covered by src/cli/cluster.test.ts`);
    return;
  }
  const work = makeTempHome('causeway-cluster-cli-');
  const dir = join(work, 'cluster');
  try {
    await upStatusDown(work, dir, [11687, 12687, 13687, 21687, 22687], 2);
    assert.match(readFileSync(join(dir, 'core2', 'conf', 'neo4j.conf'), 'utf8'), /dbms\.connector\.bolt\.listen_address=:12687/);
  } finally {
    killLeftovers(dir);
    removeTempHome(work);
  }
});
