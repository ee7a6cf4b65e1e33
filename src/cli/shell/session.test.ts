import { test } from 'node:test';
import assert from 'node:assert/strict';
import neo4j, { type Driver } from 'neo4j-driver';
import { ShellCommandError, ShellSession } from './session.js';

/** A driver stand-in that records what the shell sends and answers from a table of canned results. */
function fakeDriver(answers: Record<string, { columns: string[]; rows: unknown[][] }>) {
  const log: string[] = [];
  const result = (query: string, params: Record<string, unknown>, where: string, database: string) => {
    log.push(`${where}: ${query} ${JSON.stringify(params, (_k, v: unknown) => (neo4j.isInt(v) ? `int:${String(v)}` : v))}`);
    if (database === 'nowhere') {
      const failure = Promise.reject(new Error('database nowhere does not exist'));
      failure.catch(() => undefined);
      return { keys: async () => [], then: (ok: (v: never) => unknown, fail: (e: unknown) => unknown) => failure.then(ok, fail) };
    }
    const answer = answers[query] ?? { columns: [], rows: [] };
    const eager = {
      records: answer.rows.map((row) => ({ get: (key: string) => row[answer.columns.indexOf(key)] })),
      summary: { database: { name: database }, server: { agent: 'Neo4j/5-fake', protocolVersion: 5.8 }, resultAvailableAfter: neo4j.int(2), resultConsumedAfter: neo4j.int(1), counters: { updates: () => ({}) } },
    };
    return { keys: async () => answer.columns, then: (ok: (v: typeof eager) => unknown, fail: (e: unknown) => unknown) => Promise.resolve(eager).then(ok, fail) };
  };
  const driver = {
    session(config: { database?: string }) {
      const database = config.database ?? 'neo4j';
      log.push(`session ${database}`);
      return {
        run: (q: string, p: Record<string, unknown> = {}) => result(q, p, 'auto', database),
        beginTransaction() {
          let open = true;
          return {
            run: (q: string, p: Record<string, unknown> = {}) => result(q, p, 'tx', database),
            commit: async () => { open = false; log.push('commit'); },
            rollback: async () => { open = false; log.push('rollback'); },
            isOpen: () => open,
          };
        },
        close: async () => { log.push(`close ${database}`); },
      };
    },
  };
  return { driver: driver as unknown as Driver, log };
}

function shellWith(answers: Record<string, { columns: string[]; rows: unknown[][] }>, scripts: Record<string, string> = {}) {
  const { driver, log } = fakeDriver(answers);
  const out: string[] = [];
  const shell = new ShellSession({
    driver, username: 'neo4j', format: 'plain',
    output: { out: (t) => out.push(t), err: (t) => out.push(`ERR ${t}`) },
    readScript: async (path) => scripts[path] ?? '',
  });
  return { shell, log, out };
}

test(':param evaluates on the server and later statements receive the values', async () => {
  // Proves both :param spellings, map merging, :params listing and parameter passing.
  const { shell, log, out } = shellWith({
    'RETURN 40 + 2 AS value': { columns: ['value'], rows: [[neo4j.int(42)]] },
    'RETURN {a: 1, b: "x"} AS value': { columns: ['value'], rows: [[{ a: neo4j.int(1), b: 'x' }]] },
    'RETURN $x AS x': { columns: ['x'], rows: [[neo4j.int(42)]] },
  });
  await shell.run({ kind: 'command', text: ':param x => 40 + 2' });
  await shell.run({ kind: 'command', text: ':param {a: 1, b: "x"}' });
  await shell.run({ kind: 'command', text: ':params' });
  assert.equal(out.join(''), ':param x => 42\n:param a => 1\n:param b => "x"\n');
  await shell.run({ kind: 'cypher', text: 'RETURN $x AS x' });
  assert.match(log.at(-1) ?? '', /^auto: RETURN \$x AS x \{"x":"int:42","a":"int:1","b":"x"\}$/);
  await shell.run({ kind: 'command', text: ':params clear' });
  out.length = 0;
  await shell.run({ kind: 'command', text: ':params' });
  assert.deepEqual(out, []);
  await assert.rejects(shell.run({ kind: 'command', text: ':param nonsense' }), ShellCommandError);
});

test(':begin/:commit/:rollback route statements through one explicit transaction', async () => {
  // Proves transaction commands, the # prompt inside a transaction and the misuse errors.
  const { shell, log } = shellWith({});
  assert.equal(shell.prompt(false), 'neo4j@neo4j> ');
  await assert.rejects(shell.run({ kind: 'command', text: ':commit' }), /no open transaction/);
  await shell.run({ kind: 'command', text: ':begin' });
  assert.equal(shell.prompt(false), 'neo4j@neo4j# ');
  await assert.rejects(shell.run({ kind: 'command', text: ':begin' }), /already an open transaction/);
  await shell.run({ kind: 'cypher', text: 'CREATE ()' });
  await shell.run({ kind: 'command', text: ':commit' });
  await shell.run({ kind: 'command', text: ':begin' });
  await shell.run({ kind: 'command', text: ':rollback' });
  assert.deepEqual(log.filter((l) => !l.startsWith('session')), ['tx: CREATE () {}', 'commit', 'rollback']);
  assert.equal(shell.prompt(false), 'neo4j@neo4j> ');
});

test(':use switches database, :source runs a script, unknown commands are errors, :exit ends', async () => {
  // Proves the remaining commands of the interactive shell.
  const { shell, log, out } = shellWith({ 'RETURN 1 AS one': { columns: ['one'], rows: [[neo4j.int(1)]] } }, { 'a.cypher': 'RETURN 1 AS one;\n' });
  await shell.run({ kind: 'command', text: ':use movies' });
  assert.equal(shell.prompt(false), 'neo4j@movies> ');
  assert.ok(log.includes('close neo4j') && log.includes('session movies'));
  await assert.rejects(shell.run({ kind: 'command', text: ':use nowhere' }), /database nowhere does not exist/);
  assert.equal(shell.prompt(false), 'neo4j@movies> ');
  await shell.run({ kind: 'command', text: ':source a.cypher' });
  assert.equal(out.join(''), 'one\n1\n');
  await assert.rejects(shell.run({ kind: 'command', text: ':frobnicate now' }), /Could not find command :frobnicate/);
  assert.equal(await shell.run({ kind: 'command', text: ':exit' }), 'exit');
});

test(':history lists what was entered, and :history clear forgets it', async () => {
  // Proves the session history: statements with their semicolon, commands as typed, :history itself left out.
  const { shell, out } = shellWith({});
  await shell.run({ kind: 'cypher', text: 'CREATE ()' });
  await shell.run({ kind: 'command', text: ':begin' });
  await shell.run({ kind: 'command', text: ':history' });
  assert.equal(out.join(''), ' 1  CREATE ();\n 2  :begin\n');
  out.length = 0;
  await shell.run({ kind: 'command', text: ':history clear' });
  await shell.run({ kind: 'command', text: ':history' });
  assert.deepEqual(out, []);
});
