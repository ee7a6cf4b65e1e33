import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applySystemCommand, EMPTY_SYSTEM_STATE, parseSystemState, serializeSystemState, type SystemCommand, type SystemState } from './state.js';
import { allows, initialCommands, principalOf } from './privileges.js';

const admin = { name: 'neo4j', passwordHash: 'scrypt$h', passwordChangeRequired: true, suspended: false, homeDatabase: null, roles: ['admin'] };

function replay(commands: readonly SystemCommand[]): SystemState {
  return commands.reduce(applySystemCommand, EMPTY_SYSTEM_STATE);
}

test('the same command sequence gives the same state, and the snapshot round-trips', () => {
  // Proves the system state is a deterministic function of its ordered commands (what replication needs).
  const commands: SystemCommand[] = [
    ...initialCommands(admin),
    { type: 'createUser', user: { ...admin, name: 'alice', roles: [] } },
    { type: 'createRole', name: 'analyst', copyOf: 'reader' },
    { type: 'grantRole', role: 'analyst', user: 'alice' },
    { type: 'renameRole', name: 'analyst', newName: 'analysts' },
    { type: 'alterUser', name: 'alice', suspended: true },
  ];
  const a = replay(commands);
  const b = replay(commands);
  assert.deepEqual(serializeSystemState(a), serializeSystemState(b));
  assert.equal(a.appliedIndex, commands.length);
  assert.deepEqual(a.users.get('alice')?.roles, ['analysts']);
  assert.equal(a.users.get('alice')?.suspended, true);
  assert.ok(a.privileges.some((p) => p.role === 'analysts' && p.action === 'match'));
  const restored = parseSystemState(JSON.parse(JSON.stringify(serializeSystemState(a))));
  assert.deepEqual(serializeSystemState(restored), serializeSystemState(a));
});

test('commands that no longer fit change nothing but still count, so members stay in step', () => {
  // Proves a stale command (user dropped meanwhile) is a deterministic no-op.
  const base = replay(initialCommands(admin));
  const after = applySystemCommand(base, { type: 'grantRole', role: 'reader', user: 'ghost' });
  assert.equal(after.appliedIndex, base.appliedIndex + 1);
  assert.deepEqual(serializeSystemState({ ...after, appliedIndex: base.appliedIndex }), serializeSystemState(base));
});

test('built-in roles form Neo4j\'s ladder and DENY beats GRANT', () => {
  // Proves the privilege evaluation the server enforces, role by role.
  let state = replay(initialCommands(admin));
  const scope = { database: 'neo4j', defaultDatabase: 'neo4j' };
  const as = (roles: string[]) => principalOf({ ...admin, roles });
  const can = (roles: string[], action: string) => allows(state, as(roles), action, scope);
  assert.deepEqual(['traverse', 'write', 'create_label', 'index', 'user_management'].map((a) => can([], a)), [false, false, false, false, false]);
  assert.equal(can([], 'access'), true);
  assert.deepEqual(['traverse', 'write', 'create_label', 'index', 'user_management'].map((a) => can(['reader'], a)), [true, false, false, false, false]);
  assert.deepEqual(['traverse', 'write', 'create_label', 'index', 'user_management'].map((a) => can(['editor'], a)), [true, true, false, false, false]);
  assert.deepEqual(['traverse', 'write', 'create_label', 'index', 'user_management'].map((a) => can(['publisher'], a)), [true, true, true, false, false]);
  assert.deepEqual(['traverse', 'write', 'create_label', 'index', 'user_management'].map((a) => can(['architect'], a)), [true, true, true, true, false]);
  assert.deepEqual(['traverse', 'write', 'create_label', 'index', 'user_management'].map((a) => can(['admin'], a)), [true, true, true, true, true]);
  assert.equal(allows(state, as(['reader']), 'access', { database: 'other', defaultDatabase: 'neo4j' }), true);
  assert.equal(allows(state, as([]), 'access', { database: 'other', defaultDatabase: 'neo4j' }), false);
  state = applySystemCommand(state, { type: 'addPrivilege', privilege: { access: 'DENIED', action: 'write', resource: 'graph', graph: 'NEO4J', segment: 'NODE(*)', role: 'PUBLIC' } });
  assert.equal(can(['admin'], 'write'), false, 'a DENY on PUBLIC (database names case-insensitive) wins over admin\'s GRANT');
});
