// Child process for the crash test: opens the durable database at argv[2] and commits forever
// from several concurrent writers, printing "ack <seq>" after each commit is acknowledged.
// Every transaction creates (:W {seq}) and (:V {seq}) joined by a relationship, plus random
// changes, so a partially applied transaction would show as a W without its V.

import { openDatabase } from './open.js';
import { randomTransaction, seededRandom } from './workload.testlib.js';

const WRITERS = 4;

async function main(): Promise<void> {
  const path = process.argv[2]!;
  const firstSeq = Number(process.argv[3] ?? '0');
  const db = await openDatabase({ path, fsync: true });
  if (!db.begin({ readOnly: true }).constraints().some((c) => c.name === 'w_seq')) {
    const schema = db.begin();
    schema.createConstraint({ name: 'w_seq', kind: 'UNIQUENESS', entity: 'NODE', labelOrType: 'W', properties: ['seq'] });
    await schema.commit();
  }
  let nextSeq = firstSeq;
  const random = seededRandom(firstSeq + 1);
  process.stdout.write('ready\n');
  await Promise.all(Array.from({ length: WRITERS }, async () => {
    for (;;) {
      const seq = nextSeq++;
      const tx = db.begin();
      const w = tx.createNode(['W'], new Map([['seq', BigInt(seq)]]));
      const v = tx.createNode(['V'], new Map([['seq', BigInt(seq)]]));
      tx.createRelationship('PAIR', w, v, new Map());
      await tx.commit();
      process.stdout.write(`ack ${seq}\n`);
      try {
        await randomTransaction(db, random, 4);
      } catch {
        // lock conflicts between the writers' random changes are expected; drivers would retry
      }
    }
  }));
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
