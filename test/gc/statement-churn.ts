// Runs statements the way a loaded server does, a window of them in flight at once: each begins
// a transaction, registers it, runs a statement, waits for its commit outcome, and ends. Started
// by young-generation.test.ts under --trace-gc-nvp; prints how many statements it ran.
import { PendingCommits } from '../../src/cluster/pending-commits.js';
import { CypherEngine } from '../../src/cypher/query.js';
import { createMemoryDatabase } from '../../src/graph/memory.js';
import { TransactionRegistry } from '../../src/server/transactions/registry.js';

const durationMs = Number(process.argv[2] ?? 2000);
const inFlight = 16;
const db = createMemoryDatabase();
const engine = new CypherEngine({ nowMs: () => Date.now() });
const registry = new TransactionRegistry({ monotonicMs: () => performance.now(), wallMs: () => Date.now() });
const pending = new PendingCommits();

interface Running {
  readonly end: () => void;
}

async function start(n: number): Promise<Running> {
  const tx = db.begin();
  const tracked = registry.begin({
    tx, database: 'neo4j', protocol: 'bolt', connectionId: 'bolt-1', clientAddress: '', username: 'neo4j', metaData: new Map(),
    terminate: () => tx.rollback(),
  });
  const queryId = tracked.queryStarted('RETURN $n AS n', new Map());
  await engine.execute(tx, 'RETURN $n AS n', new Map([['n', BigInt(n)]]));
  tracked.queryFinished(queryId);
  const outcome = pending.add('tx', n, 1, 0);
  return {
    end: () => {
      pending.settle([{ index: n, term: 1, txId: n }]);
      void outcome.then(() => {
        tx.rollback();
        tracked.closed();
      });
    },
  };
}

const window: Running[] = [];
let n = 0;
const t0 = performance.now();
while (performance.now() - t0 < durationMs) {
  window.push(await start(++n));
  if (window.length > inFlight) window.shift()!.end();
  if (n % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
}
for (const running of window) running.end();
console.log(`statements=${n}`);
