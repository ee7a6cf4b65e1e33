// Quick checks of the bench's own pure parts (parsers, statistics, generator, Bolt framing), run
// by hand: `node dist/bench/self-check.js`. Kept out of `npm test` because bench/ is not tested
// there; a wrong parser here would silently skew every published figure, so it is worth a look.
import assert from 'node:assert/strict';
import { parseDdSeconds } from './disk-fsync.js';
import { generateMoviesGraph, graphFingerprint, relationshipCount } from './movies-graph.js';
import { chunkMessage, MessageAssembler, PackWriter } from './raw-bolt.js';
import { parseStatCpuTicks, parseVmRssBytes } from './server-process.js';
import { percentile, summarizeLatencies } from './stats.js';
import { EXECUTION_END, EXECUTION_START, spliceBlock, spliceLatest, RESULTS_END, RESULTS_START } from './report.js';
import {
  atLeast, atMost, below, crashReason, describeCodes, errorCode, ignoredSetting, parseProbeSnapshot, renderExecution,
  unrecognisedSetting, wholeBatches, within,
} from './execution-report.js';
import { FloorConnection, FLOOR_SERVER_AGENT } from './floor-responder.js';
import { ChunkDecoder } from '../src/bolt/chunking.js';
import { ByteReader } from '../src/bolt/packstream/bytes.js';
import { Unpacker } from '../src/bolt/packstream/unpack.js';

/** Decodes a framed reply of the floor responder into its signature and first field. */
function decodeReply(framed: Buffer): { tag: number; field: unknown } {
  const [message] = new ChunkDecoder().push(framed);
  assert.ok(message !== undefined, 'one whole message');
  const unpacker = new Unpacker(new ByteReader(message), { elementIds: true, utcDateTime: true });
  const header = unpacker.structHeader();
  return { tag: header.tag, field: header.fieldCount > 0 ? unpacker.value() : undefined };
}

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
  ['docs splice of the execution block leaves the latest block alone', () => {
    const doc = `# T\n${RESULTS_START}\nold\n${RESULTS_END}\n`;
    const once = spliceBlock(doc, 'exec 1', EXECUTION_START, EXECUTION_END, 'Latest execution figures');
    assert.ok(once.includes(`${RESULTS_START}\nold\n${RESULTS_END}`));
    assert.ok(once.includes(`## Latest execution figures\n\n${EXECUTION_START}\nexec 1\n${EXECUTION_END}`));
    const twice = spliceBlock(once, 'exec 2', EXECUTION_START, EXECUTION_END, 'Latest execution figures');
    assert.equal(twice, once.replace('exec 1', 'exec 2'));
  }],
  ['execution verdicts: limits, ranges, unmeasured values', () => {
    assert.equal(below(9.99, 10), 'met');
    assert.equal(below(10, 10), 'missed');
    assert.equal(atMost(10, 10), 'met');
    assert.equal(atLeast(1.7, 1.7), 'met');
    assert.equal(atLeast(1.69, 1.7), 'missed');
    assert.equal(within(1000, 1000, 1100), 'met');
    assert.equal(within(1101, 1000, 1100), 'missed');
    assert.equal(within(999, 1000, 1100), 'missed');
    assert.equal(below(undefined, 10), 'not measured');
    assert.equal(atLeast(Number.NaN, 1), 'not measured');
  }],
  ['a killed batched import counts only whole batches', () => {
    assert.equal(wholeBatches(30_000, 10_000), true);
    assert.equal(wholeBatches(0, 10_000), false);
    assert.equal(wholeBatches(30_001, 10_000), false);
    assert.equal(wholeBatches(1_000_000, 10_000), true);
  }],
  ['driver error codes, counted', () => {
    assert.equal(errorCode(Object.assign(new Error('x'), { code: 'Neo.TransientError.Transaction.DeadlockDetected' })), 'Neo.TransientError.Transaction.DeadlockDetected');
    assert.equal(errorCode(Object.assign(new Error('lost'), { code: 'N/A' })), 'Error: lost');
    assert.equal(errorCode('plain'), 'plain');
    assert.equal(describeCodes(new Map([['a', 1], ['b', 5]])), '5× b, 1× a');
  }],
  ['event-loop probe snapshots parse; partial or foreign JSON does not', () => {
    const text = JSON.stringify({ pid: 7, generation: 2, frozen: true, sinceMs: 1, writtenMs: 2, resolutionMs: 2, count: 40, minMs: 1, meanMs: 2.5, maxMs: 30, p50Ms: 2, p90Ms: 3, p99Ms: 29 });
    const snapshot = parseProbeSnapshot(text);
    assert.equal(snapshot?.p99Ms, 29);
    assert.equal(snapshot?.frozen, true);
    assert.equal(snapshot?.generation, 2);
    assert.equal(parseProbeSnapshot(text.slice(0, 40)), undefined);
    assert.equal(parseProbeSnapshot('{"pid": 7}'), undefined);
    assert.equal(parseProbeSnapshot('null'), undefined);
  }],
  ['server log readings: crash reason, refused and ignored settings', () => {
    assert.match(crashReason('FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory', null), /out of heap/);
    assert.equal(crashReason('', null), 'server killed by a signal');
    assert.equal(crashReason('', 3), 'server exited with code 3');
    assert.ok(unrecognisedSetting('Unrecognized setting "causeway.query.workers" (neo4j.conf line 1).', 'causeway.query.workers'));
    assert.ok(!unrecognisedSetting('Unrecognized setting "other"', 'causeway.query.workers'));
    assert.ok(ignoredSetting('Setting "db.transaction.timeout" (x) is a Neo4j setting that Causeway does not use; ignored', 'db.transaction.timeout'));
    assert.ok(!ignoredSetting('started', 'db.transaction.timeout'));
  }],
  ['execution markdown: one row per check, pipes escaped, tallies', () => {
    const text = renderExecution({
      checks: [
        { part: 'stream', check: 'a|b', target: '< 1', measured: '2', verdict: 'missed' },
        { part: 'batches', check: 'c', target: 'd', measured: 'e', verdict: 'met' },
      ],
      notes: [{ part: 'stream', text: 'n1' }], failures: [{ part: 'responsive', message: 'boom' }],
    }, 'Header');
    assert.ok(text.startsWith('Header\n'));
    assert.ok(text.includes('| stream | a\\|b | < 1 | 2 | missed |'));
    assert.ok(text.includes('1 met, 1 missed, 0 not measured.'));
    assert.ok(text.includes('- stream: n1') && text.includes('- responsive could not run: boom'));
  }],
  ['floor responder: canned replies a driver accepts', () => {
    const connection = new FloorConnection('bolt-9', '127.0.0.1:7687');
    const hello = connection.reply(Uint8Array.from([0xb1, 0x01, 0xa0]));
    assert.equal(hello?.length, 1);
    const helloReply = decodeReply(hello?.[0] as Buffer);
    assert.equal(helloReply.tag, 0x70);
    const meta = helloReply.field as Map<string, unknown>;
    assert.equal(meta.get('server'), FLOOR_SERVER_AGENT);
    assert.match(String(meta.get('server')), /^Neo4j\/5\.\d+\.\d+$/);
    assert.equal(meta.get('connection_id'), 'bolt-9');
    // auto-commit: RUN → fields, PULL → one record then a summary with a bookmark
    assert.deepEqual((decodeReply(connection.reply(Uint8Array.from([0xb3, 0x10]))?.[0] as Buffer).field as Map<string, unknown>).get('fields'), ['x']);
    const pull = connection.reply(Uint8Array.from([0xb1, 0x3f])) ?? [];
    assert.deepEqual(pull.map((b) => decodeReply(b).tag), [0x71, 0x70]);
    assert.equal((decodeReply(pull[1] as Buffer).field as Map<string, unknown>).get('bookmark'), 'FB:floor');
    // explicit transaction: RUN carries a qid, the final PULL no bookmark
    connection.reply(Uint8Array.from([0xb1, 0x11]));
    assert.equal((decodeReply(connection.reply(Uint8Array.from([0xb3, 0x10]))?.[0] as Buffer).field as Map<string, unknown>).get('qid'), 0n);
    const inTx = connection.reply(Uint8Array.from([0xb1, 0x3f])) ?? [];
    assert.equal((decodeReply(inTx[1] as Buffer).field as Map<string, unknown>).has('bookmark'), false);
    assert.equal(decodeReply(connection.reply(Uint8Array.from([0xb0, 0x12]))?.[0] as Buffer).tag, 0x70);
    const route = decodeReply(connection.reply(Uint8Array.from([0xb3, 0x66]))?.[0] as Buffer).field as Map<string, Map<string, unknown>>;
    assert.equal((route.get('rt')?.get('servers') as unknown[]).length, 3);
    assert.equal(connection.reply(Uint8Array.from([0xb0, 0x02])), undefined, 'GOODBYE closes');
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
