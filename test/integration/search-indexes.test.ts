// Proves full-text and vector search end to end through the official driver against a real
// server: CREATE FULLTEXT / VECTOR INDEX and the 3.5 / 5.x procedures, Lucene queries with
// BM25 ranking on a small corpus, transactional maintenance (own writes, rollback, commit),
// SHOW INDEXES, Neo4j's vector scores, vector property procedures, similarity functions, and
// clear errors for bad input.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plain } from './driver-values.js';
import { serverForThisFile } from './harness.js';

const running = serverForThisFile();

async function rows(query: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>[]> {
  const { records } = await running.driver6.executeQuery(query, params);
  return records.map((r) => plain(r.toObject()) as Record<string, unknown>);
}

async function column(query: string, params: Record<string, unknown> = {}): Promise<unknown[]> {
  return (await rows(query, params)).map((r) => Object.values(r)[0]);
}

function rejectsWith(query: string, code: string, pattern: RegExp, params: Record<string, unknown> = {}): Promise<void> {
  return assert.rejects(running.driver6.executeQuery(query, params), (e: { code: string; message: string }) => {
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    return true;
  });
}

test('a full-text index ranks a small corpus by BM25 relevance', { timeout: 30_000 }, async () => {
  await running.driver6.executeQuery(`CREATE
    (:Doc {key: 'a', text: 'The quick brown fox jumps over the lazy dog'}),
    (:Doc {key: 'b', text: 'quick quick fox'}),
    (:Doc {key: 'c', text: 'A fox'}),
    (:Doc {key: 'd', text: 'Dogs and cats'}),
    (:Doc {key: 'e', text: 42})`);
  await running.driver6.executeQuery('CREATE FULLTEXT INDEX docs FOR (n:Doc) ON EACH [n.text]');
  const ranked = (q: string): Promise<unknown[]> => column('CALL db.index.fulltext.queryNodes("docs", $q) YIELD node RETURN node.key', { q });
  // one term: the shorter field ranks higher (length normalisation)
  assert.deepEqual(await ranked('fox'), ['c', 'b', 'a']);
  // two terms: b has "quick" twice, a has both once in a long text, c only "fox"
  assert.deepEqual(await ranked('quick fox'), ['b', 'a', 'c']);
  assert.deepEqual(await ranked('quick AND lazy'), ['a']);
  assert.deepEqual(await ranked('fox NOT quick'), ['c']);
  assert.deepEqual(await ranked('+fox -lazy'), ['c', 'b']);
  assert.deepEqual(await ranked('"brown fox"'), ['a']);
  assert.deepEqual(await ranked('do*'), ['a', 'd']);
  assert.deepEqual(await ranked('QUIKC~'), ['b', 'a']);
  assert.deepEqual(await ranked('text:cats'), ['d']);
  assert.deepEqual(await ranked('lazy OR cats^5'), ['d', 'a']);
  const scored = await rows('CALL db.index.fulltext.queryNodes("docs", "fox") YIELD node, score RETURN node.key AS k, score');
  assert.ok((scored[0]!.score as number) > (scored[1]!.score as number) && (scored[1]!.score as number) > (scored[2]!.score as number));
  assert.deepEqual(await column('CALL db.index.fulltext.queryNodes("docs", "fox", {skip: 1, limit: 1}) YIELD node RETURN node.key'), ['b']);
});

test('multi-label, multi-property full-text indexes search every property, or one by field', { timeout: 30_000 }, async () => {
  await running.driver6.executeQuery(`CREATE
    (:Movie {title: 'The Matrix', tagline: 'Welcome to the Real World'}),
    (:Book {title: 'Real World Haskell', blurb: 'functional'}),
    (:Movie {title: 'Unreal', tagline: 'nothing here'})`);
  await running.driver6.executeQuery('CREATE FULLTEXT INDEX titles IF NOT EXISTS FOR (n:Movie|Book) ON EACH [n.title, n.tagline]');
  await running.driver6.executeQuery('CREATE FULLTEXT INDEX titles IF NOT EXISTS FOR (n:Movie|Book) ON EACH [n.title, n.tagline]');
  assert.deepEqual((await column('CALL db.index.fulltext.queryNodes("titles", "real") YIELD node RETURN node.title')).sort(), ['Real World Haskell', 'The Matrix']);
  assert.deepEqual(await column('CALL db.index.fulltext.queryNodes("titles", "title:real") YIELD node RETURN node.title'), ['Real World Haskell']);
  assert.deepEqual(await column('CALL db.index.fulltext.queryNodes("titles", "tagline:\\"real world\\"") YIELD node RETURN node.title'), ['The Matrix']);
  const shown = await rows("SHOW FULLTEXT INDEXES YIELD name, type, entityType, labelsOrTypes, properties, indexProvider, options WHERE name = 'titles'");
  assert.deepEqual(shown.map((r) => ({ ...r, options: undefined })), [{
    name: 'titles', type: 'FULLTEXT', entityType: 'NODE', labelsOrTypes: ['Movie', 'Book'], properties: ['title', 'tagline'],
    indexProvider: 'fulltext-1.0', options: undefined,
  }]);
  const options = shown[0]!.options as { indexConfig: Record<string, unknown> };
  assert.equal(options.indexConfig['fulltext.analyzer'], 'standard-no-stop-words');
});

test('full-text queries see the transaction\'s own writes; rolled-back writes never reach the index', { timeout: 30_000 }, async () => {
  await running.driver6.executeQuery('CREATE FULLTEXT INDEX notes FOR (n:Note) ON EACH [n.body]');
  await running.driver6.executeQuery("CREATE (:Note {body: 'committed zebra'})");
  assert.deepEqual(await column('CALL db.index.fulltext.queryNodes("notes", "zebra") YIELD node RETURN node.body'), ['committed zebra']);
  const session = running.driver6.session();
  try {
    const tx = await session.beginTransaction();
    await tx.run("CREATE (:Note {body: 'pending zebra giraffe'})");
    await tx.run("MATCH (n:Note {body: 'committed zebra'}) SET n.body = 'renamed okapi'");
    const inside = await tx.run('CALL db.index.fulltext.queryNodes("notes", "zebra OR okapi") YIELD node RETURN node.body AS b ORDER BY b');
    assert.deepEqual(inside.records.map((r) => r.get('b')), ['pending zebra giraffe', 'renamed okapi']);
    await tx.rollback();
  } finally {
    await session.close();
  }
  assert.deepEqual(await column('CALL db.index.fulltext.queryNodes("notes", "giraffe OR okapi") YIELD node RETURN node.body'), []);
  assert.deepEqual(await column('CALL db.index.fulltext.queryNodes("notes", "zebra") YIELD node RETURN node.body'), ['committed zebra']);
  await running.driver6.executeQuery("MATCH (n:Note) SET n.body = 'now a walrus'");
  assert.deepEqual(await column('CALL db.index.fulltext.queryNodes("notes", "zebra") YIELD node RETURN node.body'), []);
  assert.deepEqual(await column('CALL db.index.fulltext.queryNodes("notes", "walrus") YIELD node RETURN node.body'), ['now a walrus']);
  await running.driver6.executeQuery('MATCH (n:Note) REMOVE n:Note');
  assert.deepEqual(await column('CALL db.index.fulltext.queryNodes("notes", "walrus") YIELD node RETURN node.body'), []);
});

test('relationship full-text indexes, and the 3.5 create / drop procedures', { timeout: 30_000 }, async () => {
  await running.driver6.executeQuery(`CREATE (a:P)-[:REVIEWED {message: 'difficult to work with'}]->(b:P),
    (a)-[:EMAILED {message: 'booked a team meeting'}]->(b), (a)-[:LIKES {message: 'meeting'}]->(b)`);
  await running.driver6.executeQuery("CREATE FULLTEXT INDEX messages FOR ()-[r:REVIEWED|EMAILED]-() ON EACH [r.message]");
  assert.deepEqual(await column('CALL db.index.fulltext.queryRelationships("messages", "meeting OR difficult") YIELD relationship RETURN type(relationship) ORDER BY type(relationship)'),
    ['EMAILED', 'REVIEWED']);
  await running.driver6.executeQuery("CALL db.index.fulltext.createNodeIndex('legacyPeople', ['Person35'], ['name', 'bio'], {analyzer: 'standard'})");
  await running.driver6.executeQuery("CALL db.index.fulltext.createRelationshipIndex('legacyRels', ['KNOWS35'], ['since'])");
  await running.driver6.executeQuery("CREATE (:Person35 {name: 'Ada Lovelace', bio: 'the first programmer'})-[:KNOWS35 {since: 'the eighteen forties'}]->(:Person35 {name: 'Charles'})");
  assert.deepEqual(await column('CALL db.index.fulltext.queryNodes("legacyPeople", "programmer") YIELD node RETURN node.name'), ['Ada Lovelace']);
  // the standard analyzer drops English stop words
  assert.deepEqual(await column('CALL db.index.fulltext.queryNodes("legacyPeople", "the") YIELD node RETURN node.name'), []);
  assert.deepEqual(await column('CALL db.index.fulltext.queryRelationships("legacyRels", "forties") YIELD relationship RETURN relationship.since'), ['the eighteen forties']);
  const shown = await rows("SHOW INDEXES YIELD name, type, entityType, options WHERE name IN ['legacyPeople', 'legacyRels'] RETURN name, type, entityType, options.indexConfig.`fulltext.analyzer` AS analyzer ORDER BY name");
  assert.deepEqual(shown, [
    { name: 'legacyPeople', type: 'FULLTEXT', entityType: 'NODE', analyzer: 'standard' },
    { name: 'legacyRels', type: 'FULLTEXT', entityType: 'RELATIONSHIP', analyzer: 'standard-no-stop-words' },
  ]);
  await running.driver6.executeQuery("CALL db.index.fulltext.drop('legacyRels')");
  assert.deepEqual(await column("SHOW INDEXES YIELD name WHERE name = 'legacyRels'"), []);
  await rejectsWith("CALL db.index.fulltext.drop('legacyRels')", 'Neo.ClientError.Schema.IndexNotFound', /legacyRels/);
  const analyzers = await column('CALL db.index.fulltext.listAvailableAnalyzers() YIELD analyzer RETURN analyzer');
  assert.ok(analyzers.includes('standard-no-stop-words') && analyzers.includes('standard'));
});

test('an english full-text index stems, drops stop words and possessives, and ranks stems by BM25', { timeout: 30_000 }, async () => {
  await running.driver6.executeQuery(`CREATE
    (:Essay {key: 'routing', text: 'Routing connections: connected routers keep connecting networks'}),
    (:Essay {key: 'mainframe', text: 'A connection to the old mainframe, slow and unreliable every single morning'}),
    (:Essay {key: 'runner', text: "The runner's runs: running daily"}),
    (:Dish {key: 'café', text: 'Crème brûlée at the café'})`);
  await running.driver6.executeQuery("CREATE FULLTEXT INDEX essays FOR (n:Essay) ON EACH [n.text] OPTIONS {indexConfig: {`fulltext.analyzer`: 'english'}}");
  await running.driver6.executeQuery("CALL db.index.fulltext.createNodeIndex('folded', ['Dish'], ['text'], {analyzer: 'standard-folding'})");
  const ranked = (index: string, q: string): Promise<unknown[]> =>
    column('CALL db.index.fulltext.queryNodes($index, $q) YIELD node RETURN node.key', { index, q });
  // connections / connected / connecting / connection all stem to "connect": three in routing, one in mainframe
  assert.deepEqual(await ranked('essays', 'connect'), ['routing', 'mainframe']);
  assert.deepEqual(await ranked('essays', 'CONNECTIONS'), ['routing', 'mainframe']);
  assert.deepEqual(await ranked('essays', 'runner'), ['runner']);
  assert.deepEqual(await ranked('essays', 'ran OR run'), ['runner']);
  assert.deepEqual(await ranked('essays', '"connected router"'), ['routing']);
  assert.deepEqual(await ranked('essays', 'the'), []);
  assert.deepEqual(await ranked('folded', 'creme AND brulee AND cafe'), ['café']);
  assert.deepEqual(await ranked('folded', 'brûl*'), ['café']);
  const analyzers = await rows("CALL db.index.fulltext.listAvailableAnalyzers() YIELD analyzer, stopwords WHERE analyzer IN ['english', 'standard-folding'] RETURN analyzer, size(stopwords) AS stops ORDER BY analyzer");
  assert.deepEqual(analyzers, [{ analyzer: 'english', stops: 33 }, { analyzer: 'standard-folding', stops: 0 }]);
  const shown = await column("SHOW INDEXES YIELD name, options WHERE name = 'essays' RETURN options.indexConfig.`fulltext.analyzer`");
  assert.deepEqual(shown, ['english']);
});

test('bad full-text input fails with Neo4j errors and changes nothing', { timeout: 30_000 }, async () => {
  await rejectsWith('CALL db.index.fulltext.queryNodes("nope", "x")', 'Neo.ClientError.Schema.IndexNotFound', /nope/);
  await rejectsWith('CALL db.index.fulltext.queryNodes("docs", "(fox")', 'Neo.ClientError.Procedure.ProcedureCallFailed', /queryNodes.*ParseException.*Cannot parse/);
  await rejectsWith('CALL db.index.fulltext.queryRelationships("docs", "fox")', 'Neo.ClientError.Procedure.ProcedureCallFailed', /not a relationship full-text index/);
  await rejectsWith("CREATE FULLTEXT INDEX bad FOR (n:X) ON EACH [n.a] OPTIONS {indexConfig: {`fulltext.analyzer`: 'klingon'}}",
    'Neo.ClientError.General.InvalidArguments', /klingon/);
  await rejectsWith("CREATE FULLTEXT INDEX bad FOR (n:X) ON EACH [n.a] OPTIONS {indexConfig: {`fulltext.colour`: 'red'}}",
    'Neo.ClientError.General.InvalidArguments', /fulltext.colour/);
  assert.deepEqual(await column("SHOW INDEXES YIELD name WHERE name = 'bad'"), []);
});

test('vector indexes answer k nearest neighbours with Neo4j\'s cosine and euclidean scores', { timeout: 30_000 }, async () => {
  await running.driver6.executeQuery(`CREATE VECTOR INDEX emb IF NOT EXISTS FOR (n:Chunk) ON (n.embedding)
    OPTIONS {indexConfig: {\`vector.dimensions\`: 3, \`vector.similarity_function\`: 'cosine'}}`);
  await running.driver6.executeQuery(`UNWIND [[1, 'x', [1.0, 0.0, 0.0]], [2, 'xy', [1.0, 1.0, 0.0]], [3, 'y', [0.0, 1.0, 0.0]],
    [4, '-x', [-1.0, 0.0, 0.0]], [5, 'short', [1.0, 0.0]], [6, 'text', 'not a vector']] AS row
    CREATE (:Chunk {id: row[0], name: row[1], embedding: row[2]})`);
  const hits = await rows('CALL db.index.vector.queryNodes("emb", 3, [1.0, 0.0, 0.0]) YIELD node, score RETURN node.name AS name, score');
  assert.deepEqual(hits.map((h) => h.name), ['x', 'xy', 'y']);
  assert.ok(Math.abs((hits[0]!.score as number) - 1) < 1e-6);
  assert.ok(Math.abs((hits[1]!.score as number) - (1 + Math.SQRT1_2) / 2) < 1e-6);
  assert.ok(Math.abs((hits[2]!.score as number) - 0.5) < 1e-6);
  // integer query vectors are accepted; k beyond the indexed count returns what there is
  assert.deepEqual(await column('CALL db.index.vector.queryNodes("emb", 10, [0, 0, 1]) YIELD node RETURN count(node)'), [4]);

  await running.driver6.executeQuery("CALL db.index.vector.createNodeIndex('places', 'Place', 'pos', 2, 'EUCLIDEAN')");
  await running.driver6.executeQuery("UNWIND [[0.0, 0.0], [3.0, 4.0], [1.0, 1.0]] AS p CREATE (:Place {pos: p})");
  const near = await rows('CALL db.index.vector.queryNodes("places", 2, [0.0, 0.0]) YIELD node, score RETURN node.pos AS pos, score');
  assert.deepEqual(near, [{ pos: [0, 0], score: 1 }, { pos: [1, 1], score: 1 / 3 }]);
  const shown = await rows("SHOW VECTOR INDEXES YIELD name, type, labelsOrTypes, properties, indexProvider, options WHERE name = 'places'");
  assert.equal(shown[0]!.type, 'VECTOR');
  assert.equal(shown[0]!.indexProvider, 'vector-2.0');
  assert.deepEqual((shown[0]!.options as { indexConfig: unknown }).indexConfig, { 'vector.dimensions': 2, 'vector.similarity_function': 'EUCLIDEAN' });
});

test('vector property procedures set vectors that the index sees, in the same transaction too', { timeout: 30_000 }, async () => {
  await running.driver6.executeQuery(`CREATE VECTOR INDEX relEmb FOR ()-[r:SIMILAR]-() ON (r.v)
    OPTIONS {indexConfig: {\`vector.dimensions\`: 2, \`vector.similarity_function\`: 'euclidean'}}`);
  await running.driver6.executeQuery('CREATE (:Item {k: 1}), (:Item {k: 2}), (a:Item {k: 3})-[:SIMILAR {k: 9}]->(a)');
  await running.driver6.executeQuery(`CREATE VECTOR INDEX items FOR (n:Item) ON (n.vec)
    OPTIONS {indexConfig: {\`vector.dimensions\`: 2, \`vector.similarity_function\`: 'cosine'}}`);
  await running.driver6.executeQuery("MATCH (n:Item {k: 1}) CALL db.create.setNodeVectorProperty(n, 'vec', [1, 0])");
  await running.driver6.executeQuery("MATCH (n:Item {k: 2}) CALL db.create.setVectorProperty(n, 'vec', [0.0, 1.0]) YIELD node RETURN node");
  await running.driver6.executeQuery("MATCH ()-[r:SIMILAR]->() CALL db.create.setRelationshipVectorProperty(r, 'v', [2.0, 2.0])");
  assert.deepEqual(await column('MATCH (n:Item {k: 1}) RETURN n.vec'), [[1, 0]]);
  assert.deepEqual(await column('CALL db.index.vector.queryNodes("items", 1, [0.9, 0.1]) YIELD node RETURN node.k'), [1]);
  assert.deepEqual(await column('CALL db.index.vector.queryRelationships("relEmb", 5, [2.0, 2.0]) YIELD relationship, score RETURN [relationship.k, score]'), [[9, 1]]);
  const session = running.driver6.session();
  try {
    const tx = await session.beginTransaction();
    await tx.run("MATCH (n:Item {k: 3}) CALL db.create.setNodeVectorProperty(n, 'vec', [1.0, 0.05])");
    await tx.run("MATCH (n:Item {k: 1}) REMOVE n.vec");
    const inside = await tx.run('CALL db.index.vector.queryNodes("items", 1, [1.0, 0.0]) YIELD node RETURN node.k AS k');
    assert.deepEqual(inside.records.map((r) => plain(r.get('k'))), [3]);
    await tx.rollback();
  } finally {
    await session.close();
  }
  assert.deepEqual(await column('CALL db.index.vector.queryNodes("items", 1, [1.0, 0.0]) YIELD node RETURN node.k'), [1]);
});

test('wrong dimensions, non-numeric vectors and bad settings are clear errors', { timeout: 30_000 }, async () => {
  await rejectsWith('CALL db.index.vector.queryNodes("emb", 2, [1.0, 0.0])', 'Neo.ClientError.Procedure.ProcedureCallFailed', /2 dimensions, but indexed vectors have 3/);
  await rejectsWith('CALL db.index.vector.queryNodes("emb", 2, [1.0, "a", 0.0])', 'Neo.ClientError.Procedure.ProcedureCallFailed', /finite numbers/);
  await rejectsWith('CALL db.index.vector.queryNodes("emb", 0, [1.0, 0.0, 0.0])', 'Neo.ClientError.Procedure.ProcedureCallFailed', /positive INTEGER/);
  await rejectsWith('CALL db.index.vector.queryNodes("docs", 2, [1.0, 0.0, 0.0])', 'Neo.ClientError.Procedure.ProcedureCallFailed', /not a node vector index/);
  await rejectsWith('CALL db.index.vector.queryNodes("nothing", 2, [1.0])', 'Neo.ClientError.Schema.IndexNotFound', /nothing/);
  await rejectsWith("MATCH (n:Item {k: 1}) CALL db.create.setNodeVectorProperty(n, 'vec', ['a', 'b'])", 'Neo.ClientError.Procedure.ProcedureCallFailed', /finite numbers/);
  await rejectsWith("CREATE VECTOR INDEX v0 FOR (n:V) ON (n.e) OPTIONS {indexConfig: {`vector.dimensions`: 0, `vector.similarity_function`: 'cosine'}}",
    'Neo.ClientError.General.InvalidArguments', /vector.dimensions/);
  await rejectsWith("CREATE VECTOR INDEX v0 FOR (n:V) ON (n.e) OPTIONS {indexConfig: {`vector.dimensions`: 4, `vector.similarity_function`: 'manhattan'}}",
    'Neo.ClientError.General.InvalidArguments', /similarity_function/);
  await rejectsWith('CREATE VECTOR INDEX v0 FOR (n:V) ON (n.e)', 'Neo.ClientError.General.InvalidArguments', /vector.dimensions/);
  assert.deepEqual(await column("SHOW INDEXES YIELD name WHERE name = 'v0'"), []);
});

test('vector.similarity functions compute the index scores and reject mismatched vectors', { timeout: 30_000 }, async () => {
  const [row] = await rows(`RETURN vector.similarity.cosine([1, 0], [0, 1]) AS orthogonal, vector.similarity.cosine([1.0, 2.0], [2.0, 4.0]) AS same,
    vector.similarity.euclidean([4.0, 5.0, 6.0], [2.0, 8.0, 3.0]) AS e, vector.similarity.cosine(null, [1.0]) AS n`);
  assert.equal(row!.orthogonal, 0.5);
  assert.ok(Math.abs((row!.same as number) - 1) < 1e-12);
  assert.equal(row!.e, 1 / (1 + 4 + 9 + 9));
  assert.equal(row!.n, null);
  await rejectsWith('RETURN vector.similarity.cosine([1.0, 2.0], [1.0])', 'Neo.ClientError.Statement.ArgumentError', /same dimension/);
  await rejectsWith("RETURN vector.similarity.euclidean([1.0, 'a'], [1.0, 2.0])", 'Neo.ClientError.Statement.TypeError', /LIST<INTEGER \| FLOAT>/);
});
