// Proves query builders and graph clients work unmodified against a real server: cypher-query-builder 6.0.4 (its own driver 4.4), @neo4j/cypher-builder 3.3.0 (including parenthesised quantified path patterns), graphology 0.26 over a driver-loaded movies graph, and the driver's rxjs sessions (rxjs 7.8).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Connection, node, relation, greaterThan } from 'cypher-query-builder';
import Cypher from '@neo4j/cypher-builder';
import { MultiDirectedGraph } from 'graphology';
import neo4j from 'neo4j-driver';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { map, toArray, mergeMap } from 'rxjs/operators';
import { libraryServer, moviesMissing, TEST_PASSWORD } from './library-fixtures.js';

const running = libraryServer({ movies: true });

test('cypher-query-builder: match/where/orderBy/limit, create, set, relate, delete through its Connection', { skip: moviesMissing, timeout: 60_000 }, async () => {
  // The builder sends parameterised Cypher through its bundled neo4j-driver 4.4.
  const db = new Connection(running.server.boltUrl, { username: 'neo4j', password: TEST_PASSWORD });
  try {
    const recent = await db.matchNode('m', 'Movie').where({ 'm.released': greaterThan(2006) }).return({ 'm.title': 'title' })
      .orderBy('m.title').limit(3).run();
    const expected = await running.driver6.executeQuery('MATCH (m:Movie) WHERE m.released > 2006 RETURN m.title AS title ORDER BY m.title LIMIT 3');
    assert.deepEqual(recent.map((r: any) => r.title), expected.records.map((r) => r.get('title')));
    assert.deepEqual(recent.map((r: any) => r.title), ["Charlie Wilson's War", 'Cloud Atlas', 'Frost/Nixon']);
    const hanks = await db.match([node('p', 'Person', { name: 'Tom Hanks' }), relation('out', '', 'ACTED_IN'), node('m', 'Movie')])
      .return('count(m) AS n').first();
    assert.equal(Number(hanks!.n), 12);
    await db.create([node('s', 'Studio', { name: 'Builder Pictures' })]).run();
    await db.matchNode('s', 'Studio', { name: 'Builder Pictures' }).matchNode('m', 'Movie', { title: 'Cloud Atlas' })
      .create([node('s'), relation('out', '', 'PRODUCED_BY_STUDIO', { year: 2012 }), node('m')]).run();
    await db.matchNode('s', 'Studio').setValues({ 's.founded': 1999 }).run();
    const studio = await db.match([node('s', 'Studio'), relation('out', 'r', 'PRODUCED_BY_STUDIO'), node('m', 'Movie')])
      .return(['s', 'r', 'm']).first();
    assert.deepEqual([studio!.s.properties, Number(studio!.r.properties.year), studio!.m.properties.title],
      [{ name: 'Builder Pictures', founded: 1999 }, 2012, 'Cloud Atlas']);
    await db.matchNode('s', 'Studio').detachDelete('s').run();
    assert.equal(Number((await db.matchNode('s', 'Studio').return('count(s) AS n').first())!.n), 0);
  } finally {
    await db.close();
  }
});

test('@neo4j/cypher-builder: a parenthesised quantified path pattern ((a)-[:R]->(b)){1,3} and other builder output', { skip: moviesMissing, timeout: 60_000 }, async () => {
  // cypher-builder prints `((this0)-[:ACTED_IN]->(this1)<-[:ACTED_IN]-(this2)){1,2}`; the server must parse and match it.
  const start = new Cypher.Node();
  const actor = new Cypher.Node();
  const movie = new Cypher.Node();
  const coActor = new Cypher.Node();
  const end = new Cypher.Node();
  const path = new Cypher.PathVariable();
  const quantified = new Cypher.QuantifiedPath(
    new Cypher.Pattern(start, { labels: ['Person'], properties: { name: new Cypher.Param('Kevin Bacon') } }),
    new Cypher.Pattern(actor).related({ type: 'ACTED_IN' }).to(movie, { labels: ['Movie'] }).related({ type: 'ACTED_IN', direction: 'left' }).to(coActor)
      .quantifier({ min: 1, max: 2 }),
    new Cypher.Pattern(end, { labels: ['Person'], properties: { name: new Cypher.Param('Tom Hanks') } }),
  ).assignTo(path);
  const query = new Cypher.Match(quantified).return([Cypher.min(Cypher.length(path)), 'hops']);
  const { cypher, params } = query.build();
  assert.match(cypher, /\(\(this\d+\)-\[:ACTED_IN\]->\(this\d+:Movie\)<-\[:ACTED_IN\]-\(this\d+\)\)\{1,2\}/);
  const { records } = await running.driver6.executeQuery(cypher, params);
  assert.equal(records[0]!.get('hops').toNumber(), 2); // one iteration: both acted in Apollo 13 (two relationships)
});

test('graphology: a graph loaded through the driver answers as Cypher does (order, size, degrees, neighbours) and writes back', { skip: moviesMissing, timeout: 60_000 }, async () => {
  // A user's usual bridge: MATCH nodes and relationships, build a graphology MultiDirectedGraph, compute, write results back.
  const graph = new MultiDirectedGraph<{ label: string; name: string }, { type: string }>();
  const nodes = await running.driver6.executeQuery('MATCH (n) RETURN elementId(n) AS id, labels(n)[0] AS label, coalesce(n.name, n.title) AS name');
  for (const r of nodes.records) graph.addNode(r.get('id'), { label: r.get('label'), name: r.get('name') });
  const rels = await running.driver6.executeQuery('MATCH (a)-[r]->(b) RETURN elementId(r) AS id, elementId(a) AS a, elementId(b) AS b, type(r) AS type');
  for (const r of rels.records) graph.addDirectedEdgeWithKey(r.get('id'), r.get('a'), r.get('b'), { type: r.get('type') });
  assert.equal(graph.order, 171);
  assert.equal(graph.size, 253);
  const byName = new Map<string, string>();
  graph.forEachNode((id, attrs) => byName.set(attrs.name, id));
  const hanks = byName.get('Tom Hanks')!;
  const acted = graph.outEdges(hanks).filter((e) => graph.getEdgeAttribute(e, 'type') === 'ACTED_IN').length;
  assert.equal(acted, 12);
  const cloudAtlas = byName.get('Cloud Atlas')!;
  const around = graph.inNeighbors(cloudAtlas).map((n) => graph.getNodeAttribute(n, 'name')).sort();
  const cypher = await running.driver6.executeQuery("MATCH (p)-->(:Movie {title: 'Cloud Atlas'}) RETURN DISTINCT p.name AS name ORDER BY name");
  assert.deepEqual(around, cypher.records.map((r) => r.get('name')));
  // write the computed degree back, then check Cypher sees it
  const degrees = graph.mapNodes((id) => ({ id, degree: graph.degree(id) }));
  await running.driver6.executeQuery('UNWIND $rows AS row MATCH (n) WHERE elementId(n) = row.id SET n.degree = row.degree', { rows: degrees });
  const check = await running.driver6.executeQuery("MATCH (p:Person {name: 'Tom Hanks'}) RETURN p.degree AS d, COUNT { (p)--() } AS real");
  assert.equal(Number(check.records[0]!.get('d')), check.records[0]!.get('real').toNumber());
  assert.equal(Number(check.records[0]!.get('d')), 13); // acted in 12 movies, directed one
});

test('rxjs sessions: streamed records, keys and summary, reactive read and write transactions, rollback', { skip: moviesMissing, timeout: 60_000 }, async () => {
  // neo4j-driver's RxSession over Bolt: records() / keys() / consume() observables and executeRead / executeWrite.
  const rx = running.driver6.rxSession({ defaultAccessMode: neo4j.session.READ });
  try {
    const result = rx.run('MATCH (m:Movie) WHERE m.released < $year RETURN m.title AS title ORDER BY title', { year: 1990 });
    const keys = await firstValueFrom(result.keys());
    assert.deepEqual(keys, ['title']);
    const titles = await lastValueFrom(result.records().pipe(map((r) => r.get('title')), toArray()));
    assert.deepEqual(titles, ['One Flew Over the Cuckoo\'s Nest', 'Stand By Me', 'Top Gun']);
    const summary = await lastValueFrom(result.consume());
    assert.equal(summary.queryType, 'r');
    const counted = await lastValueFrom(rx.executeRead((tx) => tx.run('MATCH (p:Person) RETURN count(p) AS n').records()
      .pipe(map((r) => r.get('n').toNumber()))));
    assert.equal(counted, 133);
  } finally {
    await lastValueFrom(rx.close(), { defaultValue: undefined });
  }
  const writer = running.driver6.rxSession();
  try {
    const created = await lastValueFrom(writer.executeWrite((tx) => tx.run("CREATE (n:RxNode {v: 1}) RETURN n.v AS v").records()
      .pipe(mergeMap(() => tx.run('MATCH (n:RxNode) SET n.v = n.v + 1 RETURN n.v AS v').records()), map((r) => r.get('v').toNumber()))));
    assert.equal(created, 2);
    const tx = await firstValueFrom(writer.beginTransaction());
    await lastValueFrom(tx.run('MATCH (n:RxNode) DELETE n').consume());
    await lastValueFrom(tx.rollback(), { defaultValue: undefined });
    const { records } = await running.driver6.executeQuery('MATCH (n:RxNode) RETURN n.v AS v');
    assert.deepEqual(records.map((r) => r.get('v').toNumber()), [2]);
  } finally {
    await lastValueFrom(writer.close(), { defaultValue: undefined });
  }
});
