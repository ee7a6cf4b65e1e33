// Proves the session state machine without any bytes: auth per version, qids and several open
// results in one transaction, has_more paging, bookmark waits and failures, ROUTE shapes per
// version, LOGOFF/LOGON, FAILED/IGNORED/RESET and protocol violations that close.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CypherMap, CypherValue } from '../values/value.js';
import type { Request, Response } from './messages.js';
import { BoltSession } from './session.js';
import { fakeServices } from './testing/fakes.js';
import { TransactionRegistry } from '../server/transactions/registry.js';
import { capabilitiesOf } from './versions.js';

const auth = new Map<string, CypherValue>([['scheme', 'basic'], ['principal', 'neo4j'], ['credentials', 'secret']]);
const m = (entries: Record<string, CypherValue>): CypherMap => new Map(Object.entries(entries));
const run = (query: string, extra: CypherMap = new Map()): Request => ({ kind: 'RUN', query, params: new Map(), extra });
const pull = (n: bigint, qid = -1n): Request => ({ kind: 'PULL', n, qid });

async function ready(major = 5, minor = 4) {
  const services = fakeServices();
  const session = new BoltSession(capabilitiesOf({ major, minor }), services, 'bolt-1');
  const hello = await session.handle({ kind: 'HELLO', extra: minor >= 1 && major >= 5 ? new Map() : auth });
  if (major >= 5 && minor >= 1) await session.handle({ kind: 'LOGON', auth });
  assert.equal(session.state, 'READY');
  return { services, session, hello: hello.responses[0]! };
}

function metadata(response: Response | undefined): CypherMap {
  assert.ok(response && (response.kind === 'SUCCESS' || response.kind === 'FAILURE'), `expected metadata, got ${response?.kind}`);
  return response.metadata;
}

test('HELLO SUCCESS carries the server agent and connection id; 4.4 echoes the utc patch', async () => {
  // Driver 1.7 parses the agent; 4.4 drivers switch DateTime encoding only if the patch is echoed.
  const { hello } = await ready(5, 4);
  assert.equal(metadata(hello).get('server'), 'Neo4j/5.26.0');
  assert.equal(metadata(hello).get('connection_id'), 'bolt-1');
  const services = fakeServices();
  const v44 = new BoltSession(capabilitiesOf({ major: 4, minor: 4 }), services, 'bolt-2');
  const out = await v44.handle({ kind: 'HELLO', extra: new Map([...auth, ['patch_bolt', ['utc']]]) });
  assert.deepEqual(metadata(out.responses[0]).get('patch_bolt'), ['utc']);
  assert.equal(v44.valueFormat.utcDateTime, true);
  assert.equal(v44.valueFormat.elementIds, false);
});

test('explicit transaction: qids, several open results consumed out of order, has_more paging', async () => {
  // Drivers pipeline several RUNs in one transaction and read the results in any order (BOLT.md 6.4).
  const { session } = await ready();
  await session.handle({ kind: 'BEGIN', extra: new Map() });
  const first = await session.handle(run('UNWIND RANGE 5'));
  assert.equal(metadata(first.responses[0]).get('qid'), 0n);
  const firstPage = await session.handle(pull(2n));
  assert.deepEqual(firstPage.responses.map((r) => r.kind), ['RECORD', 'RECORD', 'SUCCESS']);
  assert.equal(metadata(firstPage.responses[2]).get('has_more'), true);
  const second = await session.handle(run('UNWIND RANGE 1'));
  assert.equal(metadata(second.responses[0]).get('qid'), 1n);
  const secondAll = await session.handle(pull(-1n));
  assert.deepEqual(secondAll.responses.map((r) => r.kind), ['RECORD', 'SUCCESS']);
  assert.equal(metadata(secondAll.responses[1]).get('bookmark'), undefined, 'no bookmark inside a transaction');
  assert.equal(session.state, 'TX_STREAMING');
  const rest = await session.handle(pull(-1n, 0n));
  assert.deepEqual(rest.responses.map((r) => r.kind), ['RECORD', 'RECORD', 'RECORD', 'SUCCESS']);
  assert.equal(session.state, 'TX_READY');
  const commit = await session.handle({ kind: 'COMMIT' });
  assert.match(String(metadata(commit.responses[0]).get('bookmark')), /^cw:neo4j:\d+$/);
  assert.equal(session.state, 'READY');
});

test('bookmarks: a future bookmark times out with BookmarkTimeout, a foreign one is InvalidBookmark', async () => {
  // Causal chaining: waiting for a bookmark must time out transiently, and foreign bookmarks fail fast.
  const { session } = await ready();
  const future = await session.handle({ kind: 'BEGIN', extra: m({ bookmarks: ['cw:neo4j:99'] }) });
  assert.equal(metadata(future.responses[0]).get('code'), 'Neo.TransientError.Transaction.BookmarkTimeout');
  await session.handle({ kind: 'RESET' });
  const foreign = await session.handle(run('UNWIND RANGE 1', m({ bookmarks: ['FB:kcwQ'] })));
  assert.equal(metadata(foreign.responses[0]).get('code'), 'Neo.ClientError.Transaction.InvalidBookmark');
  await session.handle({ kind: 'RESET' });
  await session.handle(run('WRITE a'));
  const summary = await session.handle(pull(-1n));
  const bookmark = metadata(summary.responses[0]).get('bookmark') as string;
  const chained = await session.handle({ kind: 'BEGIN', extra: m({ bookmarks: [bookmark] }) });
  assert.equal(chained.responses[0]!.kind, 'SUCCESS');
});

test('read mode makes the transaction read-only', async () => {
  // executeRead sends mode r; a write there must fail instead of silently committing.
  const { session, services } = await ready();
  const out = await session.handle(run('WRITE nope', m({ mode: 'r' })));
  assert.equal(metadata(out.responses[0]).get('code'), 'Neo.ClientError.Statement.AccessMode');
  assert.deepEqual(services.db.committedWrites, []);
});

test('ROUTE answers a single-server table; 4.3 has no db in rt, 4.4+ does', async () => {
  // Routing drivers need all three roles; rt.db exists only from 4.4 on.
  const { session } = await ready(5, 4);
  const out = await session.handle({ kind: 'ROUTE', routing: m({ address: 'x:1' }), bookmarks: [], db: null, impersonatedUser: null });
  const rt = metadata(out.responses[0]).get('rt') as CypherMap;
  assert.equal(rt.get('ttl'), 300n);
  assert.equal(rt.get('db'), 'neo4j');
  const roles = (rt.get('servers') as CypherMap[]).map((s) => s.get('role'));
  assert.deepEqual(roles.sort(), ['READ', 'ROUTE', 'WRITE']);
  const v43 = await ready(4, 3);
  const old = await v43.session.handle({ kind: 'ROUTE', routing: new Map(), bookmarks: [], db: null, impersonatedUser: null });
  assert.equal((metadata(old.responses[0]).get('rt') as CypherMap).has('db'), false);
  const missing = await session.handle({ kind: 'ROUTE', routing: new Map(), bookmarks: [], db: 'nope', impersonatedUser: null });
  assert.equal(metadata(missing.responses[0]).get('code'), 'Neo.ClientError.Database.DatabaseNotFound');
});

test('LOGOFF returns to AUTHENTICATION and LOGON with a wrong password closes', async () => {
  // Drivers re-authenticate pooled connections with LOGOFF + LOGON.
  const { session } = await ready(5, 1);
  await session.handle({ kind: 'LOGOFF' });
  assert.equal(session.state, 'AUTHENTICATION');
  const out = await session.handle({ kind: 'LOGON', auth: m({ scheme: 'basic', principal: 'neo4j', credentials: 'x' }) });
  assert.equal(out.close, true);
  assert.equal(metadata(out.responses[0]).get('code'), 'Neo.ClientError.Security.Unauthorized');
});

test('messages in the wrong state are protocol violations that close the connection', async () => {
  // Out-of-state messages mean client and server disagree: closing is the only safe answer.
  const fresh = new BoltSession(capabilitiesOf({ major: 5, minor: 4 }), fakeServices(), 'b');
  const early = await fresh.handle(run('UNWIND RANGE 1'));
  assert.equal(early.close, true);
  assert.equal(metadata(early.responses[0]).get('code'), 'Neo.ClientError.Request.Invalid');
  const { session } = await ready();
  const commit = await session.handle({ kind: 'COMMIT' });
  assert.equal(commit.close, true);
});

test('a failed statement rolls the explicit transaction back; RESET restores READY', async () => {
  // A failed statement must leave nothing behind, and RESET must bring the session back.
  const { session, services } = await ready();
  await session.handle({ kind: 'BEGIN', extra: new Map() });
  await session.handle(run('WRITE lost'));
  const failed = await session.handle(run('RETRUN'));
  assert.equal(metadata(failed.responses[0]).get('code'), 'Neo.ClientError.Statement.SyntaxError');
  assert.equal(session.state, 'FAILED');
  assert.equal(services.db.openTxs, 0);
  assert.deepEqual((await session.handle({ kind: 'COMMIT' })).responses, [{ kind: 'IGNORED' }]);
  await session.handle({ kind: 'RESET' });
  assert.equal(session.state, 'READY');
  assert.deepEqual(services.db.committedWrites, []);
});

test('Bolt 5.7+ FAILURE carries neo4j_code, GQL status and classification', async () => {
  // 5.7+ drivers read neo4j_code; without it error codes become N/A and retries stop working.
  const { session } = await ready(5, 8);
  const out = await session.handle(run('FAIL Neo.TransientError.Transaction.DeadlockDetected boom'));
  const failure = metadata(out.responses[0]);
  assert.equal(failure.get('neo4j_code'), 'Neo.TransientError.Transaction.DeadlockDetected');
  assert.equal(failure.get('code'), 'Neo.TransientError.Transaction.DeadlockDetected');
  assert.equal((failure.get('diagnostic_record') as CypherMap).get('_classification'), 'TRANSIENT_ERROR');
});

test('Bolt 3 pulls everything with PULL_ALL and has no qid', async () => {
  // Bolt 3 has no PULL n and no qid; driver 1.7 depends on that shape.
  const { session } = await ready(3, 0);
  await session.handle({ kind: 'BEGIN', extra: new Map() });
  const out = await session.handle(run('UNWIND RANGE 2'));
  assert.equal(metadata(out.responses[0]).has('qid'), false);
  const all = await session.handle(pull(-1n));
  assert.deepEqual(all.responses.map((r) => r.kind), ['RECORD', 'RECORD', 'SUCCESS']);
});

test('tx_timeout: a transaction used after its deadline fails with TransactionTimedOut and rolls back', async () => {
  // A client-set tx_timeout must end the transaction even if the client keeps using it.
  const { session, services } = await ready();
  await session.handle({ kind: 'BEGIN', extra: m({ tx_timeout: 1000n }) });
  await session.handle(run('WRITE early'));
  await session.handle(pull(-1n));
  const late = await session.handle(run('WRITE late')); // the fake clock advances 1 ms per reading: still in time
  assert.equal(late.responses[0]!.kind, 'SUCCESS');
  await session.handle(pull(-1n));
  for (let i = 0; i < 1000; i++) services.clock.monotonicMs();
  const expired = await session.handle({ kind: 'COMMIT' });
  // Bolt 5 clients get Neo4j 5's code for a timeout they configured themselves.
  assert.equal(metadata(expired.responses[0]).get('code'), 'Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration');
  assert.deepEqual(services.db.committedWrites, []);
  assert.equal(services.db.openTxs, 0);
});

test('tx_timeout with a ticker: an idle transaction is rolled back when its timer fires', async () => {
  // An idle transaction past its timeout must release its locks without any client message.
  const timers: { ms: number; fire: () => void; stopped: boolean }[] = [];
  const services = {
    ...fakeServices(),
    ticker: {
      every(ms: number, onTick: () => void) {
        const timer = { ms, fire: onTick, stopped: false };
        timers.push(timer);
        return () => {
          timer.stopped = true;
        };
      },
    },
  };
  const session = new BoltSession(capabilitiesOf({ major: 4, minor: 4 }), services, 'bolt-t');
  await session.handle({ kind: 'HELLO', extra: auth });
  await session.handle({ kind: 'BEGIN', extra: m({ tx_timeout: 50n }) });
  await session.handle(run('WRITE held'));
  assert.equal(services.db.openTxs, 1);
  assert.equal(timers.length, 1);
  for (let i = 0; i < 100; i++) services.clock.monotonicMs(); // time passes
  timers[0]!.fire();
  assert.equal(services.db.openTxs, 0, 'the timer released the transaction');
  const next = await session.handle(pull(-1n));
  assert.equal(metadata(next.responses[0]).get('code'), 'Neo.ClientError.Transaction.TransactionTimedOut');
  await session.handle({ kind: 'RESET' });
  await session.handle({ kind: 'BEGIN', extra: m({ tx_timeout: 50n }) });
  await session.handle({ kind: 'COMMIT' });
  assert.equal(timers[1]!.stopped, true, 'finishing the transaction cancels its timer');
  assert.deepEqual(services.db.committedWrites, []);
});

test('transaction registry: sessions register their transactions and statements; termination ends an idle one at once', async () => {
  // SHOW/TERMINATE TRANSACTIONS see Bolt work through this hook; an idle terminated tx releases now, its client learns next.
  const registry = new TransactionRegistry({ monotonicMs: () => 0, wallMs: () => 0 });
  const services = { ...fakeServices(), transactions: registry };
  const session = new BoltSession(capabilitiesOf({ major: 5, minor: 4 }), services, 'bolt-9', '10.0.0.1:4242');
  await session.handle({ kind: 'HELLO', extra: new Map() });
  await session.handle({ kind: 'LOGON', auth });
  const admin = { username: 'neo4j', admin: true };
  // auto-commit: listed while its result is open, gone once it is pulled and committed
  await session.handle(run('UNWIND RANGE 3', m({ tx_metadata: m({ app: 'x' }) })));
  const [auto] = registry.list(admin);
  assert.equal(auto?.currentQuery?.text, 'UNWIND RANGE 3');
  assert.equal(auto?.connectionId, 'bolt-9');
  assert.equal(auto?.clientAddress, '10.0.0.1:4242');
  assert.equal(auto?.username, 'neo4j');
  assert.deepEqual(auto?.metaData, m({ app: 'x' }));
  await session.handle(pull(-1n));
  assert.equal(registry.size, 0);
  // explicit: Idle between statements; TERMINATE rolls it back at once
  await session.handle({ kind: 'BEGIN', extra: new Map() });
  await session.handle(run('WRITE doomed'));
  await session.handle(pull(-1n));
  const [idle] = registry.list(admin);
  assert.equal(idle?.status, 'Idle');
  assert.deepEqual(registry.terminate([idle!.transactionId], admin).map((o) => o.message), ['Transaction terminated.']);
  assert.equal(services.db.openTxs, 0);
  assert.equal(registry.size, 0);
  const next = await session.handle(run('WRITE more'));
  assert.equal(metadata(next.responses[0]).get('code'), 'Neo.TransientError.Transaction.Terminated');
  await session.handle({ kind: 'RESET' });
  assert.deepEqual(services.db.committedWrites, []);
});
