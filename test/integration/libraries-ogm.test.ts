// Proves the object-graph mappers work unmodified against a real server: @neo4j/graphql-ogm 5.11.4 (driver 5), neogma 1.16.1 (driver 6) and neode 0.4.9 (its own driver 4.4) over their own APIs, with the movies graph for reads.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OGM } from '@neo4j/graphql-ogm';
import neo4j5 from 'neo4j-driver-5';
import { Neogma, ModelFactory, Op } from 'neogma';
import Neode from 'neode';
import { libraryServer, moviesMissing, TEST_PASSWORD } from './library-fixtures.js';

const running = libraryServer({ movies: true });

test('@neo4j/graphql-ogm: create with nested relationships, find with selection sets, update, delete, aggregate', { skip: moviesMissing, timeout: 60_000 }, async () => {
  // The OGM runs @neo4j/graphql 5's generated Cypher through its model API.
  const driver = neo4j5.driver(running.server.boltUrl, neo4j5.auth.basic('neo4j', TEST_PASSWORD));
  try {
    const ogm = new OGM({
      typeDefs: `
        type Movie @node { title: String! released: Int tagline: String actors: [Person!]! @relationship(type: "ACTED_IN", direction: IN) }
        type Person @node { name: String! born: Int movies: [Movie!]! @relationship(type: "ACTED_IN", direction: OUT) }`,
      driver: driver as any,
    });
    await ogm.init();
    const Movie = ogm.model('Movie');
    const Person = ogm.model('Person');
    const found = await Movie.find({ where: { title: 'The Matrix' }, selectionSet: '{ title released actors(options: { sort: [{ name: ASC }] }) { name } }' });
    assert.deepEqual(JSON.parse(JSON.stringify(found)), [{ title: 'The Matrix', released: 1999, actors: [
      { name: 'Carrie-Anne Moss' }, { name: 'Emil Eifrem' }, { name: 'Hugo Weaving' }, { name: 'Keanu Reeves' }, { name: 'Laurence Fishburne' }] }]);
    const created = await Movie.create({ input: [{ title: 'OGM Movie', released: 2030, actors: { create: [{ node: { name: 'OGM Star', born: 2000 } }] } }],
      selectionSet: '{ info { nodesCreated relationshipsCreated } movies { title actors { name } } }' });
    assert.deepEqual(JSON.parse(JSON.stringify(created)), { info: { nodesCreated: 2, relationshipsCreated: 1 }, movies: [{ title: 'OGM Movie', actors: [{ name: 'OGM Star' }] }] });
    const updated = await Movie.update({ where: { title: 'OGM Movie' }, update: { tagline: 'made by the OGM' },
      connect: { actors: [{ where: { node: { name: 'Keanu Reeves' } } }] } });
    assert.equal(updated.movies[0].tagline, 'made by the OGM');
    const keanu = await Person.find({ where: { name: 'Keanu Reeves' }, selectionSet: '{ moviesAggregate { count } }' });
    assert.equal(keanu[0].moviesAggregate.count, 8);
    const count = await Movie.aggregate({ where: { released_GTE: 2000 }, aggregate: { count: true } });
    const expected = await running.driver6.executeQuery('MATCH (m:Movie) WHERE m.released >= 2000 RETURN count(m) AS n');
    assert.equal(count.count, expected.records[0]!.get('n').toNumber());
    assert.equal(count.count, 16); // 15 movies of the dataset and the one created above
    const deleted = await Movie.delete({ where: { title: 'OGM Movie' }, delete: { actors: { where: { node: { name: 'OGM Star' } } } } });
    assert.equal(deleted.nodesDeleted, 2);
    assert.equal((await Person.find({ where: { name: 'OGM Star' } })).length, 0);
  } finally {
    await driver.close();
  }
});

test('neogma: models with relationships, createOne with related nodes, findMany/findOne, update, relateTo, findRelationships, delete', { timeout: 60_000 }, async () => {
  // neogma builds its own Cypher (MERGE/CREATE, WHERE with params, UNWIND bulk create).
  const neogma = new Neogma({ url: running.server.boltUrl, username: 'neo4j', password: TEST_PASSWORD });
  try {
    const Cities = ModelFactory<{ name: string; population: number }>({
      label: 'City', schema: { name: { type: 'string', required: true }, population: { type: 'number', required: true } }, primaryKeyField: 'name',
    }, neogma);
    const Users = ModelFactory<{ id: string; name: string; age: number }, { LivesIn: any }>({
      label: 'User', schema: { id: { type: 'string', required: true }, name: { type: 'string', required: true }, age: { type: 'number', minimum: 0, required: true } },
      primaryKeyField: 'id',
      relationships: { LivesIn: { model: Cities, direction: 'out', name: 'LIVES_IN', properties: { since: { property: 'since', schema: { type: 'number' } } } } },
    }, neogma);
    const ann = await Users.createOne({ id: 'u1', name: 'Ann', age: 30, LivesIn: { propertiesMergeConfig: { nodes: true, relationship: true },
      properties: [{ name: 'Athens', population: 660000, since: 2015 }] } } as any);
    assert.equal(ann.name, 'Ann');
    await Users.createMany([{ id: 'u2', name: 'Bob', age: 17 }, { id: 'u3', name: 'Cid', age: 45 }]);
    const adults = await Users.findMany({ where: { age: { [Op.gte]: 18 } }, order: [['name', 'ASC']] });
    assert.deepEqual(adults.map((u) => u.name), ['Ann', 'Cid']);
    const bob = await Users.findOne({ where: { id: 'u2' } });
    assert.equal(bob?.age, 17);
    bob!.age = 18;
    await bob!.save();
    assert.equal((await Users.findOne({ where: { id: 'u2' } }))?.age, 18);
    await Users.update({ name: 'Cid Jr' }, { where: { id: 'u3' } });
    assert.equal((await Users.findOne({ where: { id: 'u3' } }))?.name, 'Cid Jr');
    await bob!.relateTo({ alias: 'LivesIn', where: { name: 'Athens' }, properties: { since: 2020 } } as any);
    const rels = await Users.findRelationships({ alias: 'LivesIn', where: { target: { name: 'Athens' } } } as any);
    assert.deepEqual(rels.map((r: any) => [r.source.name, r.relationship.since]).sort(), [['Ann', 2015], ['Bob', 2020]]);
    const removed = await Users.delete({ where: { id: 'u3' }, detach: true });
    assert.equal(removed, 1);
    assert.equal(await Users.findOne({ where: { id: 'u3' } }), null);
  } finally {
    await neogma.driver.close();
  }
});

test('neode: schema install/drop, create, merge, mergeOn, find, first, findById, all, relateTo, update, toJson, detachFrom, delete, deleteAll, cypher, query builder', { timeout: 60_000 }, async () => {
  // neode's generated Cypher uses unaliased map projections (`RETURN this { .* }`) and its own driver 4.4 over Bolt 4.4.
  // Typed loosely: neode's .d.ts disagrees with its own runtime signatures (first, findById).
  const neode: any = new Neode(running.server.boltUrl, 'neo4j', TEST_PASSWORD);
  const flows: string[] = [];
  try {
    neode.model('Author', {
      author_id: { primary: true, type: 'uuid' },
      name: { type: 'string', required: true, unique: true },
      age: { type: 'number', index: true } as any,
      wrote: { type: 'relationship', relationship: 'WROTE_BOOK', direction: 'out', target: 'Book', properties: { year: 'integer' }, eager: true },
    });
    neode.model('Book', { book_id: { primary: true, type: 'uuid' }, title: { type: 'string', required: true } });
    await neode.schema.install(); flows.push('schema.install');
    const ageIndex = await running.driver6.executeQuery(`SHOW RANGE INDEXES YIELD labelsOrTypes, properties, owningConstraint
      WHERE labelsOrTypes[0] = "Author" AND owningConstraint IS NULL RETURN properties`);
    assert.deepEqual(ageIndex.records.map((r) => r.get('properties')), [['age']]);
    const { records } = await running.driver6.executeQuery('SHOW CONSTRAINTS YIELD labelsOrTypes, properties WHERE labelsOrTypes[0] IN ["Author", "Book"] RETURN labelsOrTypes[0] AS l, properties[0] AS p ORDER BY l, p');
    assert.deepEqual(records.map((r) => `${r.get('l')}.${r.get('p')}`), ['Author.author_id', 'Author.name', 'Book.book_id']);
    const tolkien = await neode.create('Author', { name: 'Tolkien', age: 81 }); flows.push('create');
    assert.equal(tolkien.get('name'), 'Tolkien');
    assert.match(String(tolkien.get('author_id')), /^[0-9a-f-]{36}$/);
    const merged = await neode.merge('Author', { name: 'Tolkien', author_id: tolkien.get('author_id'), age: 81 }); flows.push('merge');
    assert.equal(merged.id(), tolkien.id());
    const lewis = await neode.mergeOn('Author', { name: 'Lewis' }, { age: 64 }); flows.push('mergeOn');
    assert.equal(lewis.get('age'), 64);
    const found = await neode.find('Author', tolkien.get('author_id')); flows.push('find');
    assert.equal(found.get('name'), 'Tolkien');
    const first = await neode.first('Author', 'name', 'Lewis'); flows.push('first');
    assert.equal(first.get('age'), 64);
    const byId = await neode.findById('Author', tolkien.id()); flows.push('findById');
    assert.equal(byId.get('name'), 'Tolkien');
    const hobbit = await neode.create('Book', { title: 'The Hobbit' });
    const rel = await tolkien.relateTo(hobbit, 'wrote', { year: 1937 }); flows.push('relateTo');
    assert.equal(Number(rel.get('year')), 1937);
    const all = await neode.all('Author', {}, { name: 'ASC' }, 10, 0); flows.push('all');
    assert.deepEqual(all.map((a: any) => a.get('name')), ['Lewis', 'Tolkien']);
    const json = await (await neode.find('Author', tolkien.get('author_id'))).toJson() as any; flows.push('toJson (eager relationship)');
    assert.equal(json.name, 'Tolkien');
    assert.deepEqual([json.wrote.node.title, Number(json.wrote.year)], ['The Hobbit', 1937]);
    const updated = await lewis.update({ name: 'C. S. Lewis', age: 65 }); flows.push('update');
    assert.equal(updated.get('age'), 65);
    assert.equal((await neode.first('Author', 'name', 'C. S. Lewis')).get('age'), 65);
    await tolkien.detachFrom(hobbit); flows.push('detachFrom');
    const left = await neode.cypher('MATCH (:Author {name: $name})-[r:WROTE_BOOK]->() RETURN count(r) AS n', { name: 'Tolkien' }); flows.push('cypher');
    assert.equal(left.records[0]!.get('n').toNumber(), 0);
    const built = await neode.query().match('a', 'Author').where('a.age', 81).return('a.name AS name').execute(); flows.push('query builder');
    assert.deepEqual(built.records.map((r: any) => r.get('name')), ['Tolkien']);
    await hobbit.delete(); flows.push('delete');
    await neode.deleteAll('Author'); flows.push('deleteAll');
    const rest = await running.driver6.executeQuery('MATCH (n) WHERE n:Author OR n:Book RETURN count(n) AS n');
    assert.equal(rest.records[0]!.get('n').toNumber(), 0);
    await neode.schema.drop(); flows.push('schema.drop');
    // neode's drop removes unique constraints and indexes, and keeps the primary keys' constraints (as on Neo4j).
    const constraints = await running.driver6.executeQuery(`SHOW CONSTRAINTS YIELD labelsOrTypes, properties WHERE labelsOrTypes[0] IN ["Author", "Book"]
      RETURN labelsOrTypes[0] + '.' + properties[0] AS c ORDER BY c`);
    assert.deepEqual(constraints.records.map((r) => r.get('c')), ['Author.author_id', 'Book.book_id']);
    const indexes = await running.driver6.executeQuery(`SHOW RANGE INDEXES YIELD labelsOrTypes, properties, owningConstraint
      WHERE labelsOrTypes[0] = "Author" AND owningConstraint IS NULL RETURN count(*) AS n`);
    assert.equal(indexes.records[0]!.get('n').toNumber(), 0);
  } catch (error) {
    throw new Error(`neode failed after ${flows.length} flows [${flows.join(', ')}]: ${(error as Error).stack}`);
  } finally {
    neode.close();
  }
  assert.equal(flows.length, 17);
});
