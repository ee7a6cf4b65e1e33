import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AdminCommand } from '../../cypher/ast/index.js';
import { parse } from '../../cypher/parser/index.js';
import { createMemoryDatabase } from '../../graph/memory.js';
import type { GraphDatabase } from '../../graph/api.js';
import { applySystemCommand, EMPTY_SYSTEM_STATE, parseSystemState, serializeSystemState, type DatabaseRecord, type SystemCommand, type SystemState } from './state.js';
import { validateDatabaseName } from './database-names.js';
import { DatabaseManager } from './databases.js';

const record = (name: string, status: DatabaseRecord['status'] = 'online'): DatabaseRecord => ({ name, status, id: `id-${name}`, creationTime: '2026-12-04T00:00:00.000Z', options: {} });

function replay(commands: readonly SystemCommand[], from: SystemState = EMPTY_SYSTEM_STATE): SystemState {
  return commands.reduce(applySystemCommand, from);
}

function admin(text: string): AdminCommand {
  const body = parse(text).body;
  assert.equal(body.kind, 'AdminCommand', text);
  return body as AdminCommand;
}

test('database and alias commands parse into AdminCommands with their options', () => {
  // Proves the Neo4j 5 syntax (and 4.x spellings) reach the server as plain options.
  assert.deepEqual(admin('CREATE DATABASE `Movies-2` IF NOT EXISTS WAIT 5 SECONDS').options, { name: 'Movies-2', ifNotExists: true, wait: true, waitSeconds: 5 });
  assert.deepEqual(admin('CREATE OR REPLACE DATABASE movies NOWAIT').options, { orReplace: true, name: 'movies', wait: false });
  const withOptions = admin("CREATE DATABASE x TOPOLOGY 1 PRIMARY OPTIONS {storeFormat: 'aligned'} WAIT");
  assert.equal(withOptions.options['primaries'], 1);
  assert.deepEqual(withOptions.values.map((v) => v.name), ['options']);
  assert.deepEqual(admin('DROP DATABASE movies IF EXISTS CASCADE ALIASES DESTROY DATA WAIT').options, { name: 'movies', ifExists: true, cascadeAliases: true, data: 'DESTROY', wait: true, waitSeconds: 300 });
  assert.equal(admin('STOP DATABASE movies').command, 'STOP DATABASE');
  assert.equal(admin('START DATABASE movies WAIT').command, 'START DATABASE');
  assert.deepEqual(admin('CREATE DATABASE $name').values.map((v) => v.name), ['name']);
  assert.deepEqual(admin('CREATE ALIAS films IF NOT EXISTS FOR DATABASE movies').options, { alias: 'films', ifNotExists: true, database: 'movies' });
  assert.deepEqual(admin('ALTER ALIAS films SET DATABASE TARGET neo4j').options, { alias: 'films', database: 'neo4j' });
  assert.deepEqual(admin('DROP ALIAS films IF EXISTS FOR DATABASE').options, { alias: 'films', ifExists: true });
  assert.throws(() => parse('CREATE COMPOSITE DATABASE c'), { code: 'Neo.ClientError.Statement.FeatureNotSupported', message: /Composite databases/ });
  assert.throws(() => parse("CREATE ALIAS remote FOR DATABASE x AT 'neo4j+s://h' USER u PASSWORD 'p'"), { code: 'Neo.ClientError.Statement.FeatureNotSupported' });
  const show = parse('SHOW ALIASES films FOR DATABASES YIELD name').body;
  assert.equal(show.kind === 'Show' && show.target, 'ALIASES');
  assert.equal(show.kind === 'Show' && show.name, 'films');
});

test('database names follow Neo4j 5\'s rules and are stored lower case', () => {
  // Proves length, first character, allowed characters and the reserved system prefix.
  assert.equal(validateDatabaseName('Movies.2024-a'), 'movies.2024-a');
  for (const bad of ['', 'ab', 'a'.repeat(64), '1abc', 'my_db', 'a b', 'System2', 'systemx']) {
    assert.throws(() => validateDatabaseName(bad), { code: 'Neo.ClientError.Statement.ArgumentError' }, bad);
  }
  assert.equal(validateDatabaseName('a'.repeat(63)).length, 63);
});

test('database and alias records: dropping a database drops its aliases; aliases need a database; old files load', () => {
  // Proves the pure state rules every member applies in the same order.
  const state = replay([
    { type: 'createDatabase', database: record('movies') },
    { type: 'createAlias', alias: { name: 'films', database: 'movies' } },
    { type: 'createAlias', alias: { name: 'orphan', database: 'nowhere' } },
    { type: 'setDatabaseStatus', name: 'movies', status: 'offline' },
  ]);
  assert.deepEqual([...state.aliases.keys()], ['films']);
  assert.equal(state.databases.get('movies')?.status, 'offline');
  const restored = parseSystemState(JSON.parse(JSON.stringify(serializeSystemState(state))));
  assert.deepEqual(serializeSystemState(restored), serializeSystemState(state));
  const dropped = applySystemCommand(state, { type: 'dropDatabase', name: 'movies' });
  assert.equal(dropped.databases.size, 0);
  assert.equal(dropped.aliases.size, 0);
  // a system.json written before multi-database has no databases or aliases
  const old = parseSystemState({ appliedIndex: 3, users: [], roles: [], privileges: [] });
  assert.equal(old.databases.size, 0);
  assert.equal(old.aliases.size, 0);
});

test('the manager resolves names, aliases and home databases, refuses stopped and unknown ones, and opens and closes stores', async () => {
  // Proves DatabaseNotFound / DatabaseUnavailable and that stores follow the records.
  let state = replay([{ type: 'createDatabase', database: record('movies') }, { type: 'createAlias', alias: { name: 'films', database: 'movies' } }]);
  const opened: string[] = [];
  const closed: string[] = [];
  const removed: string[] = [];
  const manager = new DatabaseManager({
    main: createMemoryDatabase('neo4j'), systemGraph: createMemoryDatabase('system'), state: () => state,
    homeOf: (user) => (user === 'alice' ? 'Films' : null),
    stores: {
      open: async (name) => {
        opened.push(name);
        const db = createMemoryDatabase(name);
        return { ...db, name, begin: (o) => db.begin(o), lastAppliedTxId: () => db.lastAppliedTxId(), waitForApplied: (t, ms) => db.waitForApplied(t, ms), close: async () => { closed.push(name); } } as GraphDatabase;
      },
      remove: async (name) => { removed.push(name); },
    },
  });
  assert.throws(() => manager.resolve('movies'), { code: 'Neo.TransientError.General.DatabaseUnavailable' });
  await manager.reconcile();
  assert.deepEqual(opened, ['movies']);
  assert.equal(manager.resolve('MOVIES').name, 'movies');
  assert.equal(manager.resolve('films').name, 'movies');
  assert.equal(manager.resolve(null, 'alice').name, 'movies');
  assert.equal(manager.resolve(null, 'bob').name, 'neo4j');
  assert.equal(manager.resolve('System').name, 'system');
  const tx = manager.resolve('films').begin();
  assert.equal(manager.nameOf(tx), 'movies');
  tx.rollback();
  assert.throws(() => manager.resolve('nowhere'), { code: 'Neo.ClientError.Database.DatabaseNotFound' });
  state = applySystemCommand(state, { type: 'setDatabaseStatus', name: 'movies', status: 'offline' });
  await manager.reconcile();
  assert.deepEqual(closed, ['movies']);
  assert.throws(() => manager.resolve('films'), { code: 'Neo.TransientError.General.DatabaseUnavailable' });
  state = applySystemCommand(state, { type: 'dropDatabase', name: 'movies' });
  await manager.reconcile(['movies']);
  assert.deepEqual(removed, ['movies']);
  assert.throws(() => manager.resolve('movies'), { code: 'Neo.ClientError.Database.DatabaseNotFound' });
  await manager.close();
});
