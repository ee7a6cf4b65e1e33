// A stand-in engine for the runner's own tests: a toy graph and a table of the few queries the
// fixture features use. It lets the runner be tested without the real Cypher engine.

import type { ProcedureSignature, QueryCursor, QueryExecutor, QueryResult } from '../../src/execution/api.js';
import { cursorOverResult } from '../../src/execution/result-cursor.js';
import { Neo4jError, Status } from '../../src/core/errors.js';
import { NodeValue, type CypherValue, type PropertyValue } from '../../src/values/value.js';
import type { GraphDatabase, GraphTx, NodeRecord, UpdateCounters } from '../../src/graph/api.js';
import type { TckBackend } from '../../src/tck/scenario.js';

type Nodes = Map<number, NodeRecord>;

function zeroCounters(): UpdateCounters {
  return { nodesCreated: 0, nodesDeleted: 0, relationshipsCreated: 0, relationshipsDeleted: 0, propertiesSet: 0, labelsAdded: 0, labelsRemoved: 0, indexesAdded: 0, indexesRemoved: 0, constraintsAdded: 0, constraintsRemoved: 0 };
}

class ToyTx {
  readonly readOnly = false;
  readonly counters = zeroCounters();
  constructor(readonly nodes: Nodes, private readonly db: ToyDatabase) {}
  allNodes(): Iterable<number> { return this.nodes.keys(); }
  node(id: number): NodeRecord | undefined { return this.nodes.get(id); }
  allRelationships(): Iterable<number> { return []; }
  relationship(): undefined { return undefined; }
  async commit(): Promise<{ txId: number }> { this.db.nodes = this.nodes; return { txId: 1 }; }
  rollback(): void { /* the copy is dropped */ }
}

export class ToyDatabase {
  readonly name = 'neo4j';
  nodes: Nodes = new Map();
  nextId = 0;
  begin(): GraphTx { return new ToyTx(new Map(this.nodes), this) as unknown as GraphTx; }
  lastAppliedTxId(): number { return 0; }
  async waitForApplied(): Promise<void> {}
  async close(): Promise<void> {}
}

function result(columns: string[], records: CypherValue[][]): QueryResult {
  return { columns, records, counters: zeroCounters(), queryType: 'r' };
}

export class ToyExecutor implements QueryExecutor {
  private readonly procedures = new Map<string, ProcedureSignature>();
  constructor(private readonly db: ToyDatabase) {}
  registerProcedure(procedure: ProcedureSignature): void { this.procedures.set(procedure.name, procedure); }

  async open(tx: GraphTx, text: string, params: ReadonlyMap<string, CypherValue>): Promise<QueryCursor> {
    return cursorOverResult(await this.execute(tx, text, params));
  }
  async execute(tx: GraphTx, text: string, params: ReadonlyMap<string, CypherValue>): Promise<QueryResult> {
    const nodes = (tx as unknown as ToyTx).nodes;
    const query = text.trim().replace(/\s+/g, ' ');
    let m: RegExpExecArray | null;
    if ((m = /^CREATE \(:(\w+) \{name: '(\w*)'\}\)$/.exec(query)) !== null) {
      const id = this.db.nextId++;
      nodes.set(id, { id, labels: [m[1] as string], properties: new Map<string, PropertyValue>([['name', m[2] as string]]) });
      return result([], []);
    }
    if (query === 'MATCH (n) RETURN n') {
      return result(['n'], [...nodes.values()].map((n) => [new NodeValue(n.id, n.labels, new Map(n.properties))]));
    }
    if ((m = /^MATCH \(n\) SET n\.name = '(\w*)'$/.exec(query)) !== null) {
      for (const [id, n] of nodes) nodes.set(id, { ...n, properties: new Map<string, PropertyValue>([['name', m[1] as string]]) });
      return result([], []);
    }
    if (query === 'MATCH (n) DELETE n') {
      nodes.clear();
      return result([], []);
    }
    if (query === 'RETURN 1 AS x') return result(['x'], [[1n]]);
    if (query === 'RETURN 1.0 AS x') return result(['x'], [[1]]);
    if (query === 'RETURN $p AS p') return result(['p'], [[params.get('p') ?? null]]);
    if (query === 'UNWIND [3, 1, 2] AS x RETURN x') return result(['x'], [[3n], [1n], [2n]]);
    if (query === 'RETURN [2, 1] AS l') return result(['l'], [[[2n, 1n]]]);
    if (query === 'RETURN undefinedVariable') {
      throw Object.assign(new Neo4jError(Status.SyntaxError, 'Variable `undefinedVariable` not defined'), { detail: 'UndefinedVariable' });
    }
    if (query === 'RETURN 1 / 0') throw new Neo4jError(Status.ArithmeticError, '/ by zero');
    if (query === 'CRASH') throw new Error('invariant violated: toy crash');
    if (query === 'SPIN') for (;;) { /* a runaway query the pool must cut off */ }
    if ((m = /^CALL ([\w.]+)\((\d+)\) YIELD out RETURN out$/.exec(query)) !== null) {
      const proc = this.procedures.get(m[1] as string);
      if (proc === undefined) throw new Neo4jError(Status.ProcedureNotFound, `no procedure ${m[1]}`);
      const rows = [...(await proc.invoke(tx, [BigInt(m[2] as string)]))];
      return result(['out'], rows.map((r) => [...r]));
    }
    throw new Neo4jError(Status.SyntaxError, `toy engine does not know: ${query}`);
  }
}

export function createToyBackend(): TckBackend {
  let db: ToyDatabase | undefined;
  return {
    createDatabase: () => { db = new ToyDatabase(); return db as unknown as GraphDatabase; },
    createExecutor: () => new ToyExecutor(db as ToyDatabase),
    graphScript: (name) => (name === 'one-node' ? "CREATE (:A {name: 'seed'})" : undefined),
  };
}
