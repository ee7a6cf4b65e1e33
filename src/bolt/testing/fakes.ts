// Test doubles for Bolt session tests: a tiny scripted query executor and an in-memory
// "database" that only counts commits. Not for production use.

import { Neo4jError, Status, type StatusCode } from '../../core/errors.js';
import type { ProcedureSignature, QueryCursor, QueryExecutor, QueryResult } from '../../execution/api.js';
import { cursorOverResult } from '../../execution/result-cursor.js';
import type { CypherMap, CypherValue } from '../../values/value.js';
import type { CommitResult, GraphDatabase, GraphTx, UpdateCounters } from '../../graph/api.js';
import type { Authenticator, DatabaseProvider, SessionServices } from '../services.js';

export function zeroCounters(): UpdateCounters {
  return {
    nodesCreated: 0, nodesDeleted: 0, relationshipsCreated: 0, relationshipsDeleted: 0, propertiesSet: 0,
    labelsAdded: 0, labelsRemoved: 0, indexesAdded: 0, indexesRemoved: 0, constraintsAdded: 0, constraintsRemoved: 0,
  };
}

export class FakeDatabase implements GraphDatabase {
  lastTxId = 0;
  openTxs = 0;
  readonly committedWrites: string[] = [];
  constructor(readonly name = 'neo4j') {}

  begin(options?: { readOnly?: boolean }): GraphTx {
    this.openTxs++;
    const db = this;
    let finished = false;
    const pending: string[] = [];
    const tx = {
      readOnly: options?.readOnly ?? false,
      counters: zeroCounters(),
      pending,
      async commit(): Promise<CommitResult> {
        if (finished) throw new Error('invariant violated: tx finished twice');
        finished = true;
        db.openTxs--;
        if (pending.length === 0) return { txId: 0 };
        db.committedWrites.push(...pending);
        db.lastTxId++;
        return { txId: db.lastTxId };
      },
      rollback(): void {
        if (finished) return;
        finished = true;
        db.openTxs--;
      },
    };
    return tx as unknown as GraphTx;
  }
  lastAppliedTxId(): number {
    return this.lastTxId;
  }
  async waitForApplied(txId: number): Promise<void> {
    if (txId > this.lastTxId) throw new Neo4jError(Status.BookmarkTimeout, `Database '${this.name}' not up to the requested version: ${txId}. Latest database version is ${this.lastTxId}`);
  }
  async close(): Promise<void> {}
}

/**
 * Understands a handful of statements:
 *   RETURN $x AS x           echoes a parameter
 *   UNWIND RANGE <n>         n rows of integers 0..n-1 in column i
 *   WRITE <tag>              records a write (committed with the tx), counts one node
 *   FAIL <code> <message>    throws a Neo4jError
 *   CRASH                    throws a plain Error (an engine bug)
 * anything else is a syntax error.
 */
export class FakeExecutor implements QueryExecutor {
  readonly procedures: ProcedureSignature[] = [];
  async open(tx: GraphTx, text: string, params: ReadonlyMap<string, CypherValue>): Promise<QueryCursor> {
    return cursorOverResult(await this.execute(tx, text, params));
  }
  async execute(tx: GraphTx, text: string, params: ReadonlyMap<string, CypherValue>): Promise<QueryResult> {
    const counters = zeroCounters();
    let match: RegExpMatchArray | null;
    if ((match = /^RETURN \$(\w+) AS (\w+)$/.exec(text))) {
      const value = params.get(match[1]!);
      if (value === undefined) throw new Neo4jError(Status.ParameterMissing, `Expected parameter(s): ${match[1]}`);
      return { columns: [match[2]!], records: [[value]], counters, queryType: 'r' };
    }
    if ((match = /^UNWIND RANGE (\d+)$/.exec(text))) {
      const rows = Array.from({ length: Number(match[1]) }, (_, i) => [BigInt(i)]);
      return { columns: ['i'], records: rows, counters, queryType: 'r' };
    }
    if ((match = /^WRITE (\S+)$/.exec(text))) {
      if (tx.readOnly) throw new Neo4jError(Status.AccessMode, 'Writing in read access mode not allowed.');
      (tx as unknown as { pending: string[] }).pending.push(match[1]!);
      counters.nodesCreated = 1;
      return { columns: [], records: [], counters, queryType: 'w' };
    }
    if ((match = /^FAIL (\S+) (.*)$/.exec(text))) throw new Neo4jError(match[1] as StatusCode, match[2]!);
    if (text === 'CRASH') throw new Error('engine bug');
    throw new Neo4jError(Status.SyntaxError, `Invalid input '${text.slice(0, 10)}': expected a statement (line 1, column 1 (offset: 0))`);
  }
  registerProcedure(procedure: ProcedureSignature): void {
    this.procedures.push(procedure);
  }
}

export class FakeAuthenticator implements Authenticator {
  constructor(private readonly password = 'secret') {}
  async authenticate(token: CypherMap): Promise<string> {
    const scheme = token.get('scheme');
    if (scheme === 'basic' && token.get('credentials') === this.password) return String(token.get('principal'));
    throw new Neo4jError(Status.Unauthorized, 'The client is unauthorized due to authentication failure.');
  }
}

export function fakeServices(db = new FakeDatabase(), executor = new FakeExecutor()): SessionServices & { db: FakeDatabase; advertised: string[] } {
  const advertised = ['127.0.0.1:7687'];
  const databases: DatabaseProvider = {
    defaultDatabase: db.name,
    resolve(name) {
      if (name === null || name === db.name || name === 'system') return db;
      throw new Neo4jError(Status.DatabaseNotFound, `Database does not exist. Database name: '${name}'.`);
    },
  };
  let now = 1000;
  return {
    db,
    advertised,
    executor,
    databases,
    authenticator: new FakeAuthenticator(),
    routing: { routingTable: () => ({ ttlSeconds: 300, routers: advertised, readers: advertised, writers: advertised }) },
    clock: { monotonicMs: () => (now += 1), wallMs: () => now },
    serverAgent: 'Neo4j/5.26.0',
    bookmarkWaitTimeoutMs: 100,
  };
}
