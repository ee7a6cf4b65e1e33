// Quick checks of the bench's own pure parts (parsers, statistics, generator, Bolt framing), run
// by hand: `node dist/bench/self-check.js`. Kept out of `npm test` because bench/ is not tested
// there; a wrong parser here would silently skew every published figure, so it is worth a look.
import assert from 'node:assert/strict';
import { parseDdSeconds } from './disk-fsync.js';
import { generateMoviesGraph, graphFingerprint, relationshipCount } from './movies-graph.js';
import { chunkMessage, MessageAssembler, PackWriter } from './raw-bolt.js';
import { parseStatCpuTicks, parseVmRssBytes } from './server-process.js';
import { percentile, summarizeLatencies } from './stats.js';
import { spliceLatest, RESULTS_END, RESULTS_START } from './report.js';

const checks: [string, () => void][] = [
  ['dd summary line parses, with either decimal mark', () => {
    assert.equal(parseDdSeconds('2000+0 records in\n2000+0 records out\n8192000 bytes (8.2 MB, 7.8 MiB) copied, 0.437728 s, 18.7 MB/s\n'), 0.437728);
    assert.equal(parseDdSeconds('8192000 bytes copied, 1,5 s, 5 MB/s'), 1.5);
    assert.equal(parseDdSeconds('dd: failed to open'), undefined);
  }],
  ['nearest-rank percentiles', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    assert.equal(percentile(sorted, 0.5), 5);
    assert.equal(percentile(sorted, 0.9), 9);
    assert.equal(percentile(sorted, 0.99), 10);
    assert.equal(summarizeLatencies([3, 1, 2]).p50Ms, 2);
  }],
  ['/proc parsers', () => {
    assert.equal(parseVmRssBytes('Name:\tnode\nVmRSS:\t  1234 kB\n'), 1234 * 1024);
    // a command name with spaces and parentheses must not shift the fields
    const stat = '42 (node (x) y) S 1 2 3 4 5 6 7 8 9 10 150 25 0 0';
    assert.equal(parseStatCpuTicks(stat), 175);
  }],
  ['the graph is the same for the same seed and differs for another', () => {
    const a = generateMoviesGraph({ totalNodes: 2000, seed: 7 });
    const b = generateMoviesGraph({ totalNodes: 2000, seed: 7 });
    const c = generateMoviesGraph({ totalNodes: 2000, seed: 8 });
    assert.equal(graphFingerprint(a), graphFingerprint(b));
    assert.notEqual(graphFingerprint(a), graphFingerprint(c));
    assert.equal(a.persons.length + a.movies.length, 2000);
    assert.equal(new Set(a.persons.map((p) => p.name)).size, a.persons.length);
    assert.ok(relationshipCount(a) > 2000);
  }],
  ['Bolt framing: a message split across chunks and reads comes out whole', () => {
    const message = new PackWriter().struct(0x10, ['RETURN $x', { x: 300, s: 'a'.repeat(40) }, {}]).take();
    const framed = Buffer.concat([chunkMessage(message), chunkMessage(Buffer.from([0xb0, 0x70]))]);
    const assembler = new MessageAssembler();
    const out: Buffer[] = [];
    for (let i = 0; i < framed.length; i += 3) out.push(...assembler.push(framed.subarray(i, i + 3)));
    assert.equal(out.length, 2);
    assert.deepEqual(out[0], message);
    assert.equal(out[1]?.[1], 0x70);
    // INT_16 for 300, tiny map of two entries
    assert.ok(message.includes(Buffer.from([0xc9, 0x01, 0x2c])));
  }],
  ['docs splice keeps the text around the markers', () => {
    const doc = `# T\nintro\n${RESULTS_START}\nold\n${RESULTS_END}\ntail\n`;
    assert.equal(spliceLatest(doc, 'new'), `# T\nintro\n${RESULTS_START}\nnew\n${RESULTS_END}\ntail\n`);
    assert.ok(spliceLatest('# T\n', 'new').includes(`${RESULTS_START}\nnew\n${RESULTS_END}`));
  }],
];

let failed = 0;
for (const [name, check] of checks) {
  try {
    check();
    process.stdout.write(`ok   ${name}\n`);
  } catch (error) {
    failed++;
    process.stdout.write(`FAIL ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
