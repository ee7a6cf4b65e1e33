import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AdminCommand, ShowCommand } from '../ast/index.js';
import { parse } from './index.js';

function admin(text: string): AdminCommand {
  const body = parse(text).body;
  assert.equal(body.kind, 'AdminCommand', text);
  return body as AdminCommand;
}

test('user commands parse into AdminCommands with their options; passwords stay expressions', () => {
  // Proves the Neo4j 4/5 user syntax reaches the server as plain options, passwords and parameters as expressions.
  const create = admin("CREATE USER alice IF NOT EXISTS SET PLAINTEXT PASSWORD 'secret12' CHANGE NOT REQUIRED SET STATUS SUSPENDED SET HOME DATABASE movies");
  assert.equal(create.command, 'CREATE USER');
  assert.deepEqual(create.options, { user: 'alice', ifNotExists: true, changeRequired: false, status: 'SUSPENDED', homeDatabase: 'movies' });
  assert.deepEqual(create.values.map((v) => [v.name, v.expression.kind]), [['password', 'Literal']]);
  const replace = admin('CREATE OR REPLACE USER $name SET PASSWORD $pw');
  assert.deepEqual(replace.options, { orReplace: true });
  assert.deepEqual(replace.values.map((v) => v.name), ['user', 'password']);
  assert.deepEqual(admin('ALTER USER bob SET PASSWORD CHANGE REQUIRED').options, { user: 'bob', changeRequired: true });
  assert.deepEqual(admin('ALTER USER bob IF EXISTS REMOVE HOME DATABASE').options, { user: 'bob', ifExists: true, homeDatabase: null });
  assert.deepEqual(admin('DROP USER bob IF EXISTS').options, { user: 'bob', ifExists: true });
  assert.deepEqual(admin('RENAME USER bob TO robert').options, { user: 'bob', newName: 'robert' });
  const current = admin('ALTER CURRENT USER SET PASSWORD FROM $old TO $new');
  assert.equal(current.command, 'ALTER CURRENT USER');
  assert.deepEqual(current.values.map((v) => v.name), ['oldPassword', 'password']);
  assert.throws(() => parse('CREATE USER bob'), { code: 'Neo.ClientError.Statement.SyntaxError' });
  assert.throws(() => parse('ALTER USER bob'), { code: 'Neo.ClientError.Statement.SyntaxError' });
  assert.equal(parse('CREATE (user:User)').body.kind, 'SingleQuery');
});

test('role and privilege commands: GRANT ROLE vs GRANT ROLE MANAGEMENT, scopes and element segments', () => {
  // Proves the privilege grammar yields the SHOW PRIVILEGES shape (action, resources, segments, graphs).
  assert.deepEqual(admin('GRANT ROLES reader, editor TO alice, bob').options, { roles: ['reader', 'editor'], users: ['alice', 'bob'] });
  assert.equal(admin('REVOKE ROLE reader FROM alice').command, 'REVOKE ROLE');
  const roleMgmt = admin('GRANT ROLE MANAGEMENT ON DBMS TO ops');
  assert.equal(roleMgmt.command, 'GRANT');
  assert.deepEqual((roleMgmt.options['privilege'] as { action: string }).action, 'role_management');
  const match = admin('DENY MATCH {name, age} ON GRAPH neo4j NODES Person, Secret TO r');
  assert.deepEqual(match.options['privilege'], {
    action: 'match', resources: ['property(name)', 'property(age)'], segments: ['NODE(Person)', 'NODE(Secret)'], scope: 'GRAPH', graphs: ['neo4j'],
  });
  const write = admin('GRANT WRITE ON GRAPH * TO r');
  assert.deepEqual((write.options['privilege'] as { graphs: string[] }).graphs, ['*']);
  const access = admin('REVOKE GRANT ACCESS ON HOME DATABASE FROM r');
  assert.equal(access.options['revokeOnly'], 'GRANTED');
  assert.deepEqual((access.options['privilege'] as { graphs: string[] }).graphs, ['HOME']);
  assert.equal((admin('GRANT CREATE NEW NODE LABEL ON DATABASE * TO r').options['privilege'] as { action: string }).action, 'create_label');
  assert.equal((admin('GRANT ALL DBMS PRIVILEGES ON DBMS TO r').options['privilege'] as { action: string }).action, 'dbms_actions');
  assert.equal(admin('CREATE ROLE r2 IF NOT EXISTS AS COPY OF r').options['copyOf'], 'r');
  assert.throws(() => parse('GRANT WRITE ON DATABASE * TO r'), { code: 'Neo.ClientError.Statement.SyntaxError' });
  assert.throws(() => parse('GRANT EXECUTE PROCEDURE * ON DBMS TO r'), { code: 'Neo.ClientError.Statement.FeatureNotSupported' });
});

test('SHOW USERS / CURRENT USER / ROLES WITH USERS / PRIVILEGES forms', () => {
  // Proves the SHOW variants the system database answers are told apart.
  const show = (text: string): ShowCommand => parse(text).body as ShowCommand;
  assert.equal(show('SHOW USERS').target, 'USERS');
  assert.equal(show('SHOW CURRENT USER YIELD user').target, 'CURRENT USER');
  assert.equal(show('SHOW POPULATED ROLES WITH USERS').withUsers, true);
  assert.equal(show('SHOW POPULATED ROLES').filter, 'POPULATED');
  const rolePrivileges = show('SHOW ROLE reader, editor PRIVILEGES AS COMMANDS');
  assert.deepEqual([rolePrivileges.target, rolePrivileges.filter, rolePrivileges.names, rolePrivileges.asCommands], ['PRIVILEGES', 'ROLE', ['reader', 'editor'], true]);
  const own = show('SHOW USER PRIVILEGES');
  assert.deepEqual([own.target, own.filter, own.names], ['PRIVILEGES', 'USER', []]);
  assert.equal(show('SHOW ALL PRIVILEGES').target, 'PRIVILEGES');
});

test('fine-grained graph privileges: TRAVERSE / READ / MATCH per element, CREATE, DELETE, SET/REMOVE LABEL, SET PROPERTY, MERGE', () => {
  // Proves the element-level grammar yields Neo4j's SHOW PRIVILEGES actions, resources and segments.
  const p = (text: string): unknown => admin(text).options['privilege'];
  assert.deepEqual(p('GRANT TRAVERSE ON HOME GRAPH NODES A, B TO r'),
    { action: 'traverse', resources: ['graph'], segments: ['NODE(A)', 'NODE(B)'], scope: 'GRAPH', graphs: ['HOME'] });
  assert.deepEqual(p('DENY READ {a, b} ON DEFAULT GRAPH RELATIONSHIPS T TO r'),
    { action: 'read', resources: ['property(a)', 'property(b)'], segments: ['RELATIONSHIP(T)'], scope: 'GRAPH', graphs: ['DEFAULT'] });
  assert.deepEqual(p('GRANT MATCH {*} ON GRAPHS g1, g2 ELEMENTS X TO r'),
    { action: 'match', resources: ['all_properties'], segments: ['NODE(X)', 'RELATIONSHIP(X)'], scope: 'GRAPH', graphs: ['g1', 'g2'] });
  assert.deepEqual(p('GRANT CREATE ON GRAPH * NODES Person TO r'),
    { action: 'create_element', resources: ['graph'], segments: ['NODE(Person)'], scope: 'GRAPH', graphs: ['*'] });
  assert.deepEqual(p('DENY DELETE ON GRAPH neo4j TO r'),
    { action: 'delete_element', resources: ['graph'], segments: ['NODE(*)', 'RELATIONSHIP(*)'], scope: 'GRAPH', graphs: ['neo4j'] });
  assert.deepEqual(p('GRANT SET LABEL A, B ON GRAPH * TO r'),
    { action: 'set_label', resources: ['label(A)', 'label(B)'], segments: ['NODE(*)'], scope: 'GRAPH', graphs: ['*'] });
  assert.deepEqual(p('REVOKE REMOVE LABEL * ON GRAPH * FROM r'),
    { action: 'remove_label', resources: ['all_labels'], segments: ['NODE(*)'], scope: 'GRAPH', graphs: ['*'] });
  assert.deepEqual(p('GRANT SET PROPERTY {p} ON GRAPH * RELATIONSHIPS T TO r'),
    { action: 'set_property', resources: ['property(p)'], segments: ['RELATIONSHIP(T)'], scope: 'GRAPH', graphs: ['*'] });
  assert.deepEqual(p('GRANT MERGE {*} ON GRAPH * NODES L TO r'),
    { action: 'merge', resources: ['all_properties'], segments: ['NODE(L)'], scope: 'GRAPH', graphs: ['*'] });
  assert.throws(() => parse('GRANT CREATE ON DATABASE * TO r'), { code: 'Neo.ClientError.Statement.SyntaxError' });
});
