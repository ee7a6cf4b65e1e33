import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applySystemCommand, EMPTY_SYSTEM_STATE, parseSystemState, serializeSystemState, type SystemCommand, type SystemState } from './state.js';
import { allows, initialCommands, principalOf, readRulesFor, writeGuardFor } from './privileges.js';
import { readsEverything } from '../../graph/read-filter.js';

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

test('read rules: MATCH grants traverse and read, DENY MATCH {p} hides only p, DENY MATCH {*} hides the element; full readers get no view', () => {
  // Proves how privilege rows become the filtered view's rules (Neo4j's MATCH / DENY semantics).
  const scope = { database: 'neo4j', defaultDatabase: 'neo4j' };
  let state = replay([...initialCommands(admin), { type: 'createRole', name: 'r' }]);
  const row = (access: 'GRANTED' | 'DENIED', action: string, resource: string, segment: string): SystemCommand => (
    { type: 'addPrivilege', privilege: { access, action, resource, graph: '*', segment, role: 'r' } });
  const rules = (): ReturnType<typeof readRulesFor> => readRulesFor(state, principalOf({ ...admin, roles: ['r'] }), scope);
  assert.ok(readsEverything(readRulesFor(state, principalOf({ ...admin, roles: ['reader'] }), scope)));
  assert.ok(!readsEverything(readRulesFor(state, principalOf({ ...admin, roles: [] }), scope)));
  for (const c of [row('GRANTED', 'match', 'all_properties', 'NODE(*)'), row('GRANTED', 'match', 'all_properties', 'RELATIONSHIP(*)'),
    row('DENIED', 'match', 'property(ssn)', 'NODE(Person)'), row('DENIED', 'match', 'all_properties', 'NODE(Secret)')]) state = applySystemCommand(state, c);
  const r = rules();
  assert.deepEqual(r.nodes.traverseGranted, ['*']);
  assert.deepEqual(r.nodes.traverseDenied, ['Secret']);
  assert.deepEqual(r.nodes.readDenied, [['Person', 'ssn'], ['Secret', '*']]);
  assert.ok(!readsEverything(r));
});

test('write guard: fine-grained CREATE / SET PROPERTY / SET LABEL, DENY beats GRANT, none for full writers with name management', () => {
  // Proves the per-write judgement the filtered view applies.
  const scope = { database: 'neo4j', defaultDatabase: 'neo4j' };
  const refuse = (what: string): Error => new Error(what);
  let state = replay([...initialCommands(admin), { type: 'createRole', name: 'w' }]);
  assert.equal(writeGuardFor(state, principalOf({ ...admin, roles: ['publisher'] }), scope, refuse), undefined);
  assert.ok(writeGuardFor(state, principalOf({ ...admin, roles: ['editor'] }), scope, refuse), 'an editor may not create names');
  const add = (access: 'GRANTED' | 'DENIED', action: string, resource: string, segment: string): void => {
    state = applySystemCommand(state, { type: 'addPrivilege', privilege: { access, action, resource, graph: '*', segment, role: 'w' } });
  };
  add('GRANTED', 'create_element', 'graph', 'NODE(Person)');
  add('GRANTED', 'set_property', 'property(name)', 'NODE(Person)');
  add('GRANTED', 'set_label', 'label(Tag)', 'NODE(*)');
  add('DENIED', 'create_element', 'graph', 'NODE(Secret)');
  const guard = writeGuardFor(state, principalOf({ ...admin, roles: ['w', 'publisher'] }), scope, refuse)!;
  const ok = (w: Parameters<typeof guard.check>[0]): boolean => { try { guard.check(w); return true; } catch { return false; } };
  assert.equal(ok({ kind: 'createNode', labels: ['Person'], keys: ['name'] }), true);
  assert.equal(ok({ kind: 'createNode', labels: ['Person', 'Secret'], keys: [] }), false, 'DENY CREATE on Secret beats WRITE and CREATE on Person');
  assert.equal(ok({ kind: 'setLabel', label: 'Tag' }), true);
  const onlyW = writeGuardFor(state, principalOf({ ...admin, roles: ['w'] }), scope, refuse)!;
  const okW = (w: Parameters<typeof guard.check>[0]): boolean => { try { onlyW.check(w); return true; } catch { return false; } };
  assert.equal(okW({ kind: 'createNode', labels: ['Person'], keys: ['name'] }), true);
  assert.equal(okW({ kind: 'createNode', labels: ['Person'], keys: ['age'] }), false);
  assert.equal(okW({ kind: 'createNode', labels: ['Person', 'Other'], keys: [] }), false);
  assert.equal(okW({ kind: 'createNode', labels: [], keys: [] }), false);
  assert.equal(okW({ kind: 'setLabel', label: 'Other' }), false);
  assert.equal(okW({ kind: 'deleteNode', labels: ['Person'] }), false);
  assert.equal(okW({ kind: 'newToken', token: 'label', name: 'Fresh' }), false);
});
