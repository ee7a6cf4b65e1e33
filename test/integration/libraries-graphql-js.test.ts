// Proves the legacy neo4j-graphql-js 2.19.4 (graphql 15, its own neo4j-driver 4.4) works unmodified against a real server: augmented schema queries with filters, ordering, pagination, nested relationships and relationship types, @cypher fields, and generated create/merge/update/delete mutations over the movies graph.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { libraryServer, moviesMissing, TEST_PASSWORD } from './library-fixtures.js';

const running = libraryServer({ movies: true });
// neo4j-graphql-js builds its schema with its own graphql 15 and neo4j-driver 4.4: execute with those.
const requireFromLibrary = createRequire(createRequire(import.meta.url).resolve('neo4j-graphql-js'));
const { makeAugmentedSchema } = requireFromLibrary('neo4j-graphql-js') as { makeAugmentedSchema(config: object): unknown };
const { graphql } = requireFromLibrary('graphql') as { graphql(args: object): Promise<{ data?: any; errors?: { message: string }[] }> };
const neo4j4 = requireFromLibrary('neo4j-driver') as typeof import('neo4j-driver');

const typeDefs = `
  type Movie {
    title: String!
    released: Int
    tagline: String
    actors: [Person] @relation(name: "ACTED_IN", direction: IN)
    roles: [ActedIn]
    castSize: Int @cypher(statement: "MATCH (this)<-[:ACTED_IN]-(p:Person) RETURN count(p)")
    similar(first: Int = 3): [Movie] @cypher(statement: """
      MATCH (this)<-[:ACTED_IN]-(:Person)-[:ACTED_IN]->(o:Movie) WHERE o <> this
      WITH o, count(*) AS shared ORDER BY shared DESC, o.title RETURN o LIMIT $first
    """)
  }
  type Person {
    name: String!
    born: Int
    movies: [Movie] @relation(name: "ACTED_IN", direction: OUT)
  }
  type ActedIn @relation(name: "ACTED_IN") {
    from: Person
    to: Movie
    roles: [String]
  }
`;

let driverPromise: Promise<any> | undefined;
function driver(): any {
  driverPromise ??= Promise.resolve(neo4j4.driver(running.server.boltUrl, neo4j4.auth.basic('neo4j', TEST_PASSWORD)));
  return driverPromise;
}
after(async () => { if (driverPromise) await (await driverPromise).close(); });

let schema: unknown;
async function run(source: string, variableValues: Record<string, unknown> = {}): Promise<any> {
  schema ??= makeAugmentedSchema({ typeDefs, config: { query: true, mutation: true } });
  const result = await graphql({ schema, source, variableValues, contextValue: { driver: await driver() } });
  if (result.errors?.length) throw new Error(result.errors.map((e) => e.message).join('; '));
  return JSON.parse(JSON.stringify(result.data));
}

test('queries: filter, orderBy, first/offset, nested relationships', { skip: moviesMissing, timeout: 60_000 }, async () => {
  // The generated Cypher uses backtick-quoted variables, map projections and pattern comprehensions.
  const data = await run(`{ Movie(filter: { released_gt: 2005 }, orderBy: title_asc, first: 2, offset: 1) { title released } }`);
  assert.deepEqual(data.Movie, [{ title: 'Cloud Atlas', released: 2012 }, { title: 'Frost/Nixon', released: 2008 }]);
  const nested = await run(`{ Person(name: "Tom Hanks") { born movies(orderBy: released_desc, first: 2) { title } } }`);
  assert.deepEqual(nested.Person, [{ born: 1956, movies: [{ title: 'Cloud Atlas' }, { title: "Charlie Wilson's War" }] }]);
});

test('relationship types with properties and @cypher fields with arguments', { skip: moviesMissing, timeout: 60_000 }, async () => {
  // @cypher fields run through apoc.cypher.runFirstColumn (APOC 3.5/4 spelling).
  const data = await run(`{ Movie(title: "The Matrix") { castSize similar(first: 2) { title }
    roles(filter: { Person: { name: "Keanu Reeves" } }) { roles Person { name } } } }`);
  assert.deepEqual(data.Movie, [{ castSize: 5, similar: [{ title: 'The Matrix Reloaded' }, { title: 'The Matrix Revolutions' }],
    roles: [{ roles: ['Neo'], Person: { name: 'Keanu Reeves' } }] }]);
});

test('mutations: create, merge, add relationship, update, delete', { timeout: 60_000 }, async () => {
  // The augmented schema's generated mutations (CREATE, MERGE, relationship MERGE, SET, DETACH DELETE).
  const created = await run('mutation { CreateMovie(title: "GraphQL JS", released: 2021) { title released } }');
  assert.deepEqual(created.CreateMovie, { title: 'GraphQL JS', released: 2021 });
  const merged = await run('mutation { MergePerson(name: "Legacy Actor", born: 1970) { name born } }');
  assert.deepEqual(merged.MergePerson, { name: 'Legacy Actor', born: 1970 });
  const related = await run(`mutation { AddMovieActors(from: { name: "Legacy Actor" }, to: { title: "GraphQL JS" }) { from { name } to { title } } }`);
  assert.deepEqual(related.AddMovieActors, { from: { name: 'Legacy Actor' }, to: { title: 'GraphQL JS' } });
  const updated = await run('mutation { UpdateMovie(title: "GraphQL JS", tagline: "legacy but alive") { title tagline castSize } }');
  assert.deepEqual(updated.UpdateMovie, { title: 'GraphQL JS', tagline: 'legacy but alive', castSize: 1 });
  const deleted = await run('mutation { DeleteMovie(title: "GraphQL JS") { title } }');
  assert.deepEqual(deleted.DeleteMovie, { title: 'GraphQL JS' });
  const left = await run('{ Movie(title: "GraphQL JS") { title } }');
  assert.deepEqual(left.Movie, []);
});
