// Proves @neo4j/graphql 7.6.3 and @neo4j/introspector 4.0.1 work unmodified against a real server: checkNeo4jCompat, index assertion, CRUD with nested relationships, connections, aggregation, @cypher fields, @fulltext and @vector queries, and introspected type definitions over the movies graph.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Neo4jGraphQL } from '@neo4j/graphql';
import { toGraphQLTypeDefs } from '@neo4j/introspector';
import neo4j5 from 'neo4j-driver-5';
import { graphql, type GraphQLSchema } from 'graphql';
import { libraryServer, moviesMissing, TEST_PASSWORD } from './library-fixtures.js';

const running = libraryServer({ movies: true });

const typeDefs = `
  type Film @node
    @fulltext(indexes: [{ indexName: "FilmText", fields: ["title", "plot"], queryName: "filmsByText" }])
    @vector(indexes: [{ indexName: "FilmVec", embeddingProperty: "embedding", queryName: "similarFilms" }]) {
    title: String!
    plot: String
    year: Int
    cast: [Actor!]! @relationship(type: "PLAYS_IN", direction: IN, properties: "PlaysIn")
    castSize: Int! @cypher(statement: "MATCH (this)<-[:PLAYS_IN]-(a:Actor) RETURN count(a) AS n", columnName: "n")
    coStars(name: String!): [String!]! @cypher(statement: """
      MATCH (this)<-[:PLAYS_IN]-(a:Actor) WHERE a.name <> $name RETURN a.name AS other ORDER BY other
    """, columnName: "other")
  }
  type Actor @node {
    name: String!
    films: [Film!]! @relationship(type: "PLAYS_IN", direction: OUT, properties: "PlaysIn")
  }
  type PlaysIn @relationshipProperties { role: String }
`;

async function run(schema: GraphQLSchema, source: string, variableValues: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const result = await graphql({ schema, source, variableValues, contextValue: {} });
  if (result.errors?.length) throw new Error(result.errors.map((e) => e.message).join('; '));
  return JSON.parse(JSON.stringify(result.data)) as Record<string, any>;
}

let schemaPromise: Promise<{ neo: Neo4jGraphQL; schema: GraphQLSchema }> | undefined;
function filmSchema(): Promise<{ neo: Neo4jGraphQL; schema: GraphQLSchema }> {
  schemaPromise ??= (async () => {
    const neo = new Neo4jGraphQL({ typeDefs, driver: running.driver6 });
    return { neo, schema: await neo.getSchema() };
  })();
  return schemaPromise;
}

test('checkNeo4jCompat accepts the server (version and the APOC it needs)', { timeout: 30_000 }, async () => {
  // checkNeo4jCompat reads dbms.components and the procedure/function lists.
  const { neo } = await filmSchema();
  await neo.checkNeo4jCompat();
});

test('assertIndexesAndConstraints finds the @fulltext and @vector indexes once created', { timeout: 30_000 }, async () => {
  // The library compares its directives with SHOW INDEXES: missing indexes fail, created ones pass.
  const { neo } = await filmSchema();
  await assert.rejects(neo.assertIndexesAndConstraints(), /FilmText|FilmVec|[Mm]issing/);
  await running.driver6.executeQuery('CREATE FULLTEXT INDEX FilmText FOR (n:Film) ON EACH [n.title, n.plot]');
  await running.driver6.executeQuery(`CREATE VECTOR INDEX FilmVec FOR (n:Film) ON (n.embedding)
    OPTIONS {indexConfig: {\`vector.dimensions\`: 3, \`vector.similarity_function\`: 'cosine'}}`);
  await neo.assertIndexesAndConstraints();
});

test('CRUD: nested create, filtered and sorted read, update, delete', { timeout: 30_000 }, async () => {
  // The mutations are the Cypher @neo4j/graphql 7 generates (CALL subqueries, UNWIND batches, apoc-free).
  const { schema } = await filmSchema();
  const created = await run(schema, `mutation {
    createFilms(input: [
      { title: "Arrival", plot: "linguist decodes alien language", year: 2016,
        cast: { create: [{ edge: { role: "Louise" }, node: { name: "Amy Adams" } }, { edge: { role: "Ian" }, node: { name: "Jeremy Renner" } }] } },
      { title: "Heat", plot: "detective hunts a crew of bank robbers", year: 1995 },
      { title: "Contact", plot: "astronomer hears alien signal", year: 1997 }
    ]) { films { title castSize } info { nodesCreated relationshipsCreated } }
  }`);
  assert.deepEqual(created.createFilms.info, { nodesCreated: 5, relationshipsCreated: 2 });
  assert.deepEqual(created.createFilms.films.map((f: any) => [f.title, f.castSize]).sort(), [['Arrival', 2], ['Contact', 0], ['Heat', 0]]);
  const read = await run(schema, `{ films(where: { year: { gt: 1996 } }, sort: [{ year: DESC }]) { title year cast(sort: [{ name: ASC }]) { name } } }`);
  assert.deepEqual(read.films, [
    { title: 'Arrival', year: 2016, cast: [{ name: 'Amy Adams' }, { name: 'Jeremy Renner' }] },
    { title: 'Contact', year: 1997, cast: [] },
  ]);
  const connected = await run(schema, `mutation {
    updateFilms(where: { title: { eq: "Heat" } }, update: {
      year: { set: 1995 }, plot: { set: "detective hunts a crew of bank robbers in LA" },
      cast: [{ connect: [{ where: { node: { name: { eq: "Amy Adams" } } }, edge: { role: "cameo" } }] }]
    }) { films { title plot castSize } }
  }`);
  assert.deepEqual(connected.updateFilms.films, [{ title: 'Heat', plot: 'detective hunts a crew of bank robbers in LA', castSize: 1 }]);
  const deleted = await run(schema, 'mutation { deleteFilms(where: { title: { eq: "Contact" } }) { nodesDeleted } }');
  assert.equal(deleted.deleteFilms.nodesDeleted, 1);
  const left = await run(schema, '{ films(sort: [{ title: ASC }]) { title } }');
  assert.deepEqual(left.films.map((f: any) => f.title), ['Arrival', 'Heat']);
});

test('connections with relationship properties, pagination cursors and aggregation', { timeout: 30_000 }, async () => {
  // Relay connections, edge properties and count aggregation (the library's `*Connection` Cypher).
  const { schema } = await filmSchema();
  const page = await run(schema, `{ actorsConnection(first: 1, sort: [{ name: ASC }]) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { name filmsConnection { edges { properties { role } node { title } } } } } } }`);
  const conn = page.actorsConnection;
  assert.equal(conn.totalCount, 2);
  assert.equal(conn.pageInfo.hasNextPage, true);
  assert.equal(conn.edges[0].node.name, 'Amy Adams');
  assert.deepEqual(conn.edges[0].node.filmsConnection.edges.map((e: any) => [e.node.title, e.properties.role]).sort(), [['Arrival', 'Louise'], ['Heat', 'cameo']]);
  const next = await run(schema, `query ($after: String) { actorsConnection(first: 1, after: $after, sort: [{ name: ASC }]) { edges { node { name } } } }`,
    { after: conn.pageInfo.endCursor });
  assert.deepEqual(next.actorsConnection.edges.map((e: any) => e.node.name), ['Jeremy Renner']);
  const aggregate = await run(schema, '{ filmsConnection(where: { year: { lt: 2000 } }) { aggregate { count { nodes } node { year { min max } } } } }');
  assert.deepEqual(aggregate.filmsConnection.aggregate, { count: { nodes: 1 }, node: { year: { min: 1995, max: 1995 } } });
});

test('@cypher fields with arguments, and filtering on a @cypher field', { timeout: 30_000 }, async () => {
  // @cypher statements run as subqueries with `this` bound and the field's arguments as parameters.
  const { schema } = await filmSchema();
  const data = await run(schema, '{ films(where: { castSize: { gte: 2 } }) { title coStars(name: "Amy Adams") } }');
  assert.deepEqual(data.films, [{ title: 'Arrival', coStars: ['Jeremy Renner'] }]);
});

test('@fulltext query: phrase search with scores, best first', { timeout: 30_000 }, async () => {
  // The generated query calls db.index.fulltext.queryNodes with the phrase and orders by score.
  const { schema } = await filmSchema();
  const data = await run(schema, `{ filmsByText(phrase: "alien", sort: [{ score: DESC }]) { edges { score node { title } } } }`);
  const titles = data.filmsByText.edges.map((e: any) => e.node.title).sort();
  assert.deepEqual(titles, ['Arrival']); // Contact (also 'alien') was deleted above
  const scores = data.filmsByText.edges.map((e: any) => e.score);
  assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
  const robbers = await run(schema, `{ filmsByText(phrase: "bank robbers", where: { node: { year: { lt: 2000 } } }) { edges { score node { title } } } }`);
  assert.deepEqual(robbers.filmsByText.edges.map((e: any) => e.node.title), ['Heat']);
  assert.ok(robbers.filmsByText.edges[0].score > 0);
});

test('@vector query with a caller-given vector (no embedding provider)', { timeout: 30_000 }, async () => {
  // The generated query calls db.index.vector.queryNodes; vectors are set as a user would, through Cypher.
  const { schema } = await filmSchema();
  await running.driver6.executeQuery(`UNWIND [['Arrival', [1.0, 0.0, 0.0]], ['Heat', [0.0, 1.0, 0.0]]] AS row
    MATCH (f:Film {title: row[0]}) CALL db.create.setNodeVectorProperty(f, 'embedding', row[1])`);
  const data = await run(schema, `{ similarFilms(vector: [0.9, 0.1, 0.0], first: 2) { edges { score node { title } } } }`);
  const edges = data.similarFilms.edges;
  assert.deepEqual(edges.map((e: any) => e.node.title), ['Arrival', 'Heat']);
  assert.ok(edges[0].score > edges[1].score);
});

test('@neo4j/introspector reads the movies graph into type definitions that @neo4j/graphql 7 serves', { skip: moviesMissing, timeout: 60_000 }, async () => {
  // The introspector (driver 5 peer) reads db.schema.nodeTypeProperties / relTypeProperties and relationship patterns.
  const driver5 = neo4j5.driver(running.server.boltUrl, neo4j5.auth.basic('neo4j', TEST_PASSWORD));
  try {
    // The introspector's Session type is driver 5's; the root driver's types differ only in private fields.
    const introspected = await toGraphQLTypeDefs(() => driver5.session({ defaultAccessMode: neo4j5.session.READ }) as any);
    assert.match(introspected, /type Movie @node \{/);
    assert.match(introspected, /actedInMovies: \[Movie!\]! @relationship\(type: "ACTED_IN", direction: OUT, properties: "ActedInProperties"\)/);
    assert.match(introspected, /type ReviewedProperties @relationshipProperties \{\n\trating: BigInt!\n\tsummary: String!/);
    // Introspector 4.0.1 writes nullable list elements ([String]!) that @neo4j/graphql 7 refuses in
    // @relationshipProperties (a mismatch between the two packages, the same against Neo4j): tighten them.
    const neo = new Neo4jGraphQL({ typeDefs: introspected.replace(/\[(String|BigInt|Float|Boolean)\]!/g, '[$1!]!'), driver: running.driver6 });
    const schema = await neo.getSchema();
    const data = await run(schema, `{ movies(where: { title: { eq: "Apollo 13" } }) { title peopleDirected { name } peopleActedInConnection(where: { node: { name: { eq: "Tom Hanks" } } }) { edges { properties { roles } } } } }`);
    assert.deepEqual(data.movies, [{ title: 'Apollo 13', peopleDirected: [{ name: 'Ron Howard' }],
      peopleActedInConnection: { edges: [{ properties: { roles: ['Jim Lovell'] } }] } }]);
  } finally {
    await driver5.close();
  }
});
