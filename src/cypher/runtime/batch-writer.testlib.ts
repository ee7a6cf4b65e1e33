// Child process for the IN TRANSACTIONS kill -9 test. Arguments: database path, first, rows,
// batch. Opens the durable database and runs one auto-commit `UNWIND range(first, first + rows - 1)
// AS i CALL (i) { CREATE (:B {i: i}) } IN TRANSACTIONS OF batch ROWS` through the Cypher engine,
// printing "ack <n>" after each batch commit is acknowledged and "done" at the end. The parent
// kills it with SIGKILL mid-way.

import { CypherEngine } from '../query.js';
import { openDatabase } from '../../graph/open.js';
import type { GraphTx } from '../../graph/api.js';

async function main(): Promise<void> {
  const path = process.argv[2]!;
  const first = BigInt(process.argv[3]!);
  const rows = Number(process.argv[4]);
  const batch = Number(process.argv[5]);
  const db = await openDatabase({ path, fsync: true });
  const engine = new CypherEngine();
  let acked = 0;
  const beginInner = (): GraphTx => {
    const tx = db.begin();
    const commit = tx.commit.bind(tx);
    tx.commit = async () => {
      const result = await commit();
      process.stdout.write(`ack ${++acked}\n`);
      return result;
    };
    return tx;
  };
  process.stdout.write('ready\n');
  const outer = db.begin();
  await engine.execute(outer,
    'UNWIND range($first, $first + $rows - 1) AS i CALL (i) { CREATE (:B {i: i}) } IN TRANSACTIONS OF $batch ROWS',
    new Map([['first', first], ['rows', BigInt(rows)], ['batch', BigInt(batch)]]), { implicit: true, beginInner });
  await outer.commit();
  process.stdout.write('done\n');
  await db.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
