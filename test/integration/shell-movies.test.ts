import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, runShell, startConsoleInTempHome, TEST_PASSWORD } from './shell-harness.js';

const MOVIES = join(REPO_ROOT, '..', 'shared', 'datasets', 'movies.cypher');
const haveMovies = existsSync(MOVIES);

test('movies.cypher loads through `causeway shell` into a real server: 171 nodes, 253 relationships', { skip: haveMovies ? false : `${MOVIES} is missing (../shared not present); cannot load the movies dataset`, timeout: 120_000 }, async () => {
  // Proves the documented seeding path end to end: real server process, real shell process, stdin script, plain output.
  const server = await startConsoleInTempHome('causeway-movies-');
  try {
    const address = server.address;
    const shell = (args: string[], stdinFile?: string) => runShell(['-a', address, '-u', 'neo4j', '-p', TEST_PASSWORD, '--format', 'plain', ...args], stdinFile);
    const load = await shell([], MOVIES);
    assert.equal(load.code, 0, `loading movies failed:\n${load.stderr}\n${server.output()}`);
    assert.equal(load.stderr, '');

    const count = await shell(['MATCH (n) WITH count(n) AS nodes MATCH ()-[r]->() RETURN nodes, count(r) AS relationships']);
    assert.equal(count.code, 0, count.stderr);
    assert.equal(count.stdout, 'nodes, relationships\n171, 253\n');

    const keanu = await shell(["MATCH (p:Person {name: 'Keanu Reeves'}) RETURN p.name, p.born"]);
    assert.equal(keanu.stdout, 'p.name, p.born\n"Keanu Reeves", 1964\n');

    // Fail-fast: the bad statement stops the script, the error goes to stderr, the exit code is 1.
    const script = join(server.home, 'fail-fast.cypher');
    writeFileSync(script, 'CREATE (:Marker {step: 1});\nTHIS IS NOT CYPHER;\nCREATE (:Marker {step: 2});\n');
    const bad = await shell([], script);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /THIS|Invalid input/);
    const markers = await shell(['MATCH (m:Marker) RETURN m.step']);
    assert.equal(markers.stdout, 'm.step\n1\n');
  } finally {
    await server.close();
  }
});
