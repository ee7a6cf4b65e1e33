// APOC procedures that run Cypher: apoc.cypher.run / doIt, apoc.when / apoc.do.when / case,
// the write helpers (apoc.merge.*, apoc.create.*) written as the Cypher they stand for, and
// apoc.periodic.iterate, which commits each batch in its own inner transaction as APOC does.

import { Neo4jError, Status } from '../../../core/errors.js';
import type { GraphTx } from '../../../graph/api.js';
import type { ProcedureContext, ProcedureSignature, QueryResult } from '../../../execution/api.js';
import { printName } from '../../ast/print.js';
import { type CypherMap, type CypherValue, NodeValue, RelationshipValue } from '../../../values/value.js';
import { failure } from './common.js';

function need(name: string, context: ProcedureContext | undefined): ProcedureContext {
  if (!context) throw new Neo4jError(Status.FeatureNotSupported, `${name} needs the Cypher engine's procedure context`);
  return context;
}

function params(v: CypherValue | undefined): Map<string, CypherValue> {
  return v instanceof Map ? new Map(v) : new Map();
}

function rowMaps(result: QueryResult): CypherValue[][] {
  return result.records.map((r) => [new Map(result.columns.map((c, i) => [c, r[i] ?? null]))]);
}

/**
 * APOC's withParamMapping: every parameter is also bound as a variable of the same name
 * (`WITH $\`this\` AS \`this\` …` before the statement), which is how neo4j-graphql-js and
 * @neo4j/graphql pass `this` into @cypher statements.
 */
export function withParamMapping(text: string, keys: Iterable<string>): string {
  const bindings = [...keys].map((k) => `$${printName(k)} AS ${printName(k)}`);
  return bindings.length === 0 ? text : `WITH ${bindings.join(', ')} ${text}`;
}

/** APOC passes the parameters map to the inner statement, each parameter also bound as a variable. */
async function runStatement(name: string, context: ProcedureContext | undefined, text: CypherValue | undefined, p: CypherValue | undefined): Promise<CypherValue[][]> {
  if (typeof text !== 'string') throw failure('procedure', name, 'the statement must be a string');
  if (text.trim() === '') return [];
  const bound = params(p);
  return rowMaps(await need(name, context).run(withParamMapping(text, bound.keys()), bound));
}

function labelsText(name: string, labels: CypherValue | undefined): string {
  const list = labels === null || labels === undefined ? [] : Array.isArray(labels) ? labels : [labels];
  return list.map((l) => {
    if (typeof l !== 'string' || l === '') throw failure('procedure', name, 'labels must be non-empty strings');
    return ':' + printName(l);
  }).join('');
}

function typeText(name: string, type: CypherValue | undefined): string {
  if (typeof type !== 'string' || type === '') throw failure('procedure', name, 'the relationship type must be a non-empty string');
  return printName(type);
}

/** APOC accepts a node, a node id, or a list of either wherever it takes nodes. */
function nodeList(v: CypherValue | undefined): CypherValue[] {
  if (v === null || v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

const NODE_BY_ANY = 'UNWIND $nodes AS x WITH x WHERE x IS NOT NULL ' +
  'CALL (x) { MATCH (n) WHERE (x IS :: NODE AND n = x) OR (x IS :: INTEGER AND id(n) = x) OR (x IS :: STRING AND elementId(n) = x) RETURN n } ';

function cypherProc(name: string, mode: ProcedureSignature['mode'], description: string, write: boolean): ProcedureSignature {
  return {
    name, mode, description,
    inputs: [{ name: 'statement', type: 'STRING' }, { name: 'params', type: 'MAP', default: new Map() }],
    outputs: [{ name: 'value', type: 'MAP' }],
    invoke: (_tx, args, context) => {
      void write;
      return runStatement(name, context, args[0], args[1]);
    },
  };
}

function when(name: string, mode: ProcedureSignature['mode']): ProcedureSignature {
  return {
    name, mode, description: 'Runs the given read-only ifQuery if the conditional has evaluated to true, otherwise the elseQuery will run.',
    inputs: [{ name: 'condition', type: 'BOOLEAN' }, { name: 'ifQuery', type: 'STRING' }, { name: 'elseQuery', type: 'STRING', default: '' },
      { name: 'params', type: 'MAP', default: new Map() }],
    outputs: [{ name: 'value', type: 'MAP' }],
    invoke: (_tx, args, context) => runStatement(name, context, args[0] === true ? args[1] : args[2], args[3]),
  };
}

function caseProc(name: string, mode: ProcedureSignature['mode']): ProcedureSignature {
  return {
    name, mode, description: 'For each pair of conditional and query in the given list, this procedure will run the first query for which the conditional is evaluated to true.',
    inputs: [{ name: 'conditionals', type: 'LIST<ANY>' }, { name: 'elseQuery', type: 'STRING', default: '' }, { name: 'params', type: 'MAP', default: new Map() }],
    outputs: [{ name: 'value', type: 'MAP' }],
    invoke: (_tx, args, context) => {
      const pairs = Array.isArray(args[0]) ? args[0] : [];
      if (pairs.length % 2 !== 0) throw failure('procedure', name, 'Conditionals must be an even-sized collection of boolean, query entries');
      for (let i = 0; i < pairs.length; i += 2) if (pairs[i] === true) return runStatement(name, context, pairs[i + 1], args[2]);
      return runStatement(name, context, args[1], args[2]);
    },
  };
}

async function single(name: string, context: ProcedureContext | undefined, text: string, p: Record<string, CypherValue>): Promise<CypherValue[][]> {
  const result = await need(name, context).run(text, new Map(Object.entries(p)));
  return result.records.map((r) => [...r]);
}

function propsArg(v: CypherValue | undefined): CypherMap {
  return v instanceof Map ? v : new Map();
}

export function cypherProcedures(): ProcedureSignature[] {
  return [
    cypherProc('apoc.cypher.run', 'READ', 'Runs a dynamically constructed read-only statement with the given parameters.', false),
    cypherProc('apoc.cypher.doIt', 'WRITE', 'Runs a dynamically constructed statement with the given parameters.', true),
    when('apoc.when', 'READ'),
    when('apoc.do.when', 'WRITE'),
    caseProc('apoc.case', 'READ'),
    caseProc('apoc.do.case', 'WRITE'),
    {
      name: 'apoc.merge.node', mode: 'WRITE', description: 'Merges the given node(s) with the given dynamic labels.',
      inputs: [{ name: 'labels', type: 'LIST<STRING>' }, { name: 'identProps', type: 'MAP' }, { name: 'onCreateProps', type: 'MAP', default: new Map() },
        { name: 'onMatchProps', type: 'MAP', default: new Map() }],
      outputs: [{ name: 'node', type: 'NODE' }],
      invoke: (_tx, args, context) => {
        const ident = propsArg(args[1]);
        if (ident.size === 0) throw failure('procedure', 'apoc.merge.node', 'you need to supply at least one identifying property for a merge');
        const keys = [...ident.keys()].map((k, i) => `${printName(k)}: $ident[$keys[${i}]]`).join(', ');
        return single('apoc.merge.node', context,
          `MERGE (n${labelsText('apoc.merge.node', args[0])} {${keys}}) ON CREATE SET n += $onCreate ON MATCH SET n += $onMatch RETURN n`,
          { ident, keys: [...ident.keys()], onCreate: propsArg(args[2]), onMatch: propsArg(args[3]) });
      },
    },
    {
      name: 'apoc.merge.relationship', mode: 'WRITE', description: 'Merges the given relationship(s) with the given dynamic types/properties.',
      inputs: [{ name: 'startNode', type: 'NODE' }, { name: 'relType', type: 'STRING' }, { name: 'identProps', type: 'MAP' },
        { name: 'onCreateProps', type: 'MAP' }, { name: 'endNode', type: 'NODE' }, { name: 'onMatchProps', type: 'MAP', default: new Map() }],
      outputs: [{ name: 'rel', type: 'RELATIONSHIP' }],
      invoke: (_tx, args, context) => {
        if (!(args[0] instanceof NodeValue) || !(args[4] instanceof NodeValue)) throw failure('procedure', 'apoc.merge.relationship', 'start and end must be nodes');
        const ident = propsArg(args[2]);
        const keys = [...ident.keys()].map((k, i) => `${printName(k)}: $ident[$keys[${i}]]`).join(', ');
        return single('apoc.merge.relationship', context,
          `MATCH (a) WHERE a = $start MATCH (b) WHERE b = $end MERGE (a)-[r:${typeText('apoc.merge.relationship', args[1])}${keys ? ` {${keys}}` : ''}]->(b) ` +
          'ON CREATE SET r += $onCreate ON MATCH SET r += $onMatch RETURN r',
          { start: args[0], end: args[4], ident, keys: [...ident.keys()], onCreate: propsArg(args[3]), onMatch: propsArg(args[5]) });
      },
    },
    {
      name: 'apoc.create.node', mode: 'WRITE', description: 'Creates a node with the given dynamic labels.',
      inputs: [{ name: 'labels', type: 'LIST<STRING>' }, { name: 'props', type: 'MAP' }], outputs: [{ name: 'node', type: 'NODE' }],
      invoke: (_tx, args, context) => single('apoc.create.node', context, `CREATE (n${labelsText('apoc.create.node', args[0])}) SET n += $props RETURN n`, { props: propsArg(args[1]) }),
    },
    {
      name: 'apoc.create.relationship', mode: 'WRITE', description: 'Creates a relationship with the given dynamic relationship type.',
      inputs: [{ name: 'from', type: 'NODE' }, { name: 'relType', type: 'STRING' }, { name: 'props', type: 'MAP' }, { name: 'to', type: 'NODE' }],
      outputs: [{ name: 'rel', type: 'RELATIONSHIP' }],
      invoke: (_tx, args, context) => {
        if (!(args[0] instanceof NodeValue) || !(args[3] instanceof NodeValue)) throw failure('procedure', 'apoc.create.relationship', 'from and to must be nodes');
        return single('apoc.create.relationship', context,
          `MATCH (a) WHERE a = $from MATCH (b) WHERE b = $to CREATE (a)-[r:${typeText('apoc.create.relationship', args[1])}]->(b) SET r += $props RETURN r`,
          { from: args[0], to: args[3], props: propsArg(args[2]) });
      },
    },
    {
      name: 'apoc.create.addLabels', mode: 'WRITE', description: 'Adds the given labels to the given nodes.',
      inputs: [{ name: 'nodes', type: 'ANY' }, { name: 'labels', type: 'LIST<STRING>' }], outputs: [{ name: 'node', type: 'NODE' }],
      invoke: (_tx, args, context) => single('apoc.create.addLabels', context,
        `${NODE_BY_ANY}SET n${labelsText('apoc.create.addLabels', args[1])} RETURN n`, { nodes: nodeList(args[0]) }),
    },
    {
      name: 'apoc.create.removeLabels', mode: 'WRITE', description: 'Removes the given labels from the given nodes.',
      inputs: [{ name: 'nodes', type: 'ANY' }, { name: 'labels', type: 'LIST<STRING>' }], outputs: [{ name: 'node', type: 'NODE' }],
      invoke: (_tx, args, context) => single('apoc.create.removeLabels', context,
        `${NODE_BY_ANY}REMOVE n${labelsText('apoc.create.removeLabels', args[1])} RETURN n`, { nodes: nodeList(args[0]) }),
    },
    {
      name: 'apoc.create.setLabels', mode: 'WRITE', description: 'Sets the given labels to the given nodes. Non-matching labels are removed.',
      inputs: [{ name: 'nodes', type: 'ANY' }, { name: 'labels', type: 'LIST<STRING>' }], outputs: [{ name: 'node', type: 'NODE' }],
      invoke: async (_tx, args, context) => {
        const wanted = labelsText('apoc.create.setLabels', args[1]);
        const keep = new Set(Array.isArray(args[1]) ? args[1] : []);
        const rows = await single('apoc.create.setLabels', context, `${NODE_BY_ANY}RETURN n`, { nodes: nodeList(args[0]) });
        const out: CypherValue[][] = [];
        for (const [n] of rows) {
          const drop = (n as NodeValue).labels.filter((l) => !keep.has(l));
          const remove = drop.length ? ` REMOVE n${drop.map((l) => ':' + printName(l)).join('')}` : '';
          out.push(...await single('apoc.create.setLabels', context, `MATCH (n) WHERE n = $n${remove}${wanted ? ` SET n${wanted}` : ''} RETURN n`, { n: n! }));
        }
        return out;
      },
    },
    {
      name: 'apoc.create.setProperty', mode: 'WRITE', description: 'Sets the given property to the given node(s).',
      inputs: [{ name: 'nodes', type: 'ANY' }, { name: 'key', type: 'STRING' }, { name: 'value', type: 'ANY' }], outputs: [{ name: 'node', type: 'NODE' }],
      invoke: (_tx, args, context) => {
        if (typeof args[1] !== 'string') throw failure('procedure', 'apoc.create.setProperty', 'the key must be a string');
        return single('apoc.create.setProperty', context, `${NODE_BY_ANY}SET n.${printName(args[1])} = $value RETURN n`, { nodes: nodeList(args[0]), value: args[2] ?? null });
      },
    },
    {
      name: 'apoc.create.setProperties', mode: 'WRITE', description: 'Sets the given properties to the given node(s).',
      inputs: [{ name: 'nodes', type: 'ANY' }, { name: 'keys', type: 'LIST<STRING>' }, { name: 'values', type: 'LIST<ANY>' }], outputs: [{ name: 'node', type: 'NODE' }],
      invoke: (_tx, args, context) => {
        const keys = Array.isArray(args[1]) ? args[1] : []; const values = Array.isArray(args[2]) ? args[2] : [];
        const props = new Map(keys.map((k, i) => [String(k), values[i] ?? null]));
        return single('apoc.create.setProperties', context, `${NODE_BY_ANY}SET n += $props RETURN n`, { nodes: nodeList(args[0]), props });
      },
    },
    {
      name: 'apoc.create.setRelProperty', mode: 'WRITE', description: 'Sets the given property on the relationship(s).',
      inputs: [{ name: 'rels', type: 'ANY' }, { name: 'key', type: 'STRING' }, { name: 'value', type: 'ANY' }], outputs: [{ name: 'rel', type: 'RELATIONSHIP' }],
      invoke: (_tx, args, context) => {
        if (typeof args[1] !== 'string') throw failure('procedure', 'apoc.create.setRelProperty', 'the key must be a string');
        const rels = nodeList(args[0]).filter((r) => r instanceof RelationshipValue);
        return single('apoc.create.setRelProperty', context, `UNWIND $rels AS x MATCH ()-[r]->() WHERE r = x SET r.${printName(args[1])} = $value RETURN r`, { rels, value: args[2] ?? null });
      },
    },
    periodicIterate(),
  ];
}

interface BatchTransactions {
  begin(): GraphTx;
  commit(tx: GraphTx): Promise<void>;
  rollback(tx: GraphTx): void;
}

/** Batches inside the caller's transaction, each behind a savepoint. */
function savepointBatches(outer: GraphTx): BatchTransactions {
  let savepoint = -1;
  return {
    begin: () => { savepoint = outer.savepoint(); return outer; },
    commit: async () => { outer.releaseSavepoint(savepoint); },
    rollback: () => { outer.rollbackToSavepoint(savepoint); outer.releaseSavepoint(savepoint); },
  };
}

/** The number of rows apoc.periodic.iterate may collect from its driving statement. */
const MAX_ITERATE_ROWS = 10_000_000;

function periodicIterate(): ProcedureSignature {
  const outputs = ['batches', 'total', 'timeTaken', 'committedOperations', 'failedOperations', 'failedBatches', 'retries', 'errorMessages', 'batch',
    'operations', 'wasTerminated', 'failedParams', 'updateStatistics'];
  return {
    name: 'apoc.periodic.iterate', mode: 'WRITE',
    description: 'Runs the second statement for each item returned by the first statement. Returns the number of batches and the total number of processed rows.',
    inputs: [{ name: 'cypherIterate', type: 'STRING' }, { name: 'cypherAction', type: 'STRING' }, { name: 'config', type: 'MAP' }],
    outputs: outputs.map((name) => ({ name, type: 'ANY' })),
    invoke: async (outer, args, context) => {
      const ctx = need('apoc.periodic.iterate', context);
      const [iterate, action] = [args[0], args[1]];
      if (typeof iterate !== 'string' || typeof action !== 'string') throw failure('procedure', 'apoc.periodic.iterate', 'both statements must be strings');
      const config = params(args[2]);
      const batchSize = Math.max(1, Number(config.get('batchSize') ?? 10_000n));
      if (config.get('parallel') === true) throw new Neo4jError(Status.FeatureNotSupported, 'apoc.periodic.iterate with parallel: true is not supported by Causeway yet');
      // In an auto-commit transaction each batch commits in an inner transaction, as APOC does.
      // In an explicit one there is no other transaction to commit in: each batch runs in the
      // caller's transaction behind a savepoint (a failing batch is undone alone) and becomes
      // durable when the caller commits.
      const batchTx: BatchTransactions = ctx.transaction.implicit
        ? { begin: ctx.transaction.beginInner.bind(ctx.transaction), commit: (tx) => tx.commit().then(() => undefined), rollback: (tx) => tx.rollback() }
        : savepointBatches(outer);
      const extra = params(config.get('params') ?? null);
      const source = await ctx.run(iterate, extra);
      if (source.records.length > MAX_ITERATE_ROWS) throw failure('procedure', 'apoc.periodic.iterate', `the driving statement returned more than ${MAX_ITERATE_ROWS} rows`);
      // As in APOC, the driving statement's columns are variables (and parameters) of the action.
      const bind = source.columns.length > 0 ? `WITH ${source.columns.map((c) => `$${printName(c)} AS ${printName(c)}`).join(', ')} ` : '';
      let batches = 0; let committed = 0; let failed = 0; let failedBatches = 0;
      const errors = new Map<string, bigint>();
      const stats = { nodesCreated: 0, nodesDeleted: 0, relationshipsCreated: 0, relationshipsDeleted: 0, propertiesSet: 0, labelsAdded: 0, labelsRemoved: 0 };
      for (let start = 0; start < source.records.length; start += batchSize) {
        batches++;
        const batch = source.records.slice(start, start + batchSize);
        const tx: GraphTx = batchTx.begin();
        const before = { ...tx.counters };
        try {
          for (const record of batch) {
            const rowParams = new Map(extra);
            source.columns.forEach((c, i) => rowParams.set(c, record[i] ?? null));
            await ctx.run(bind + action, rowParams, tx);
          }
          for (const k of Object.keys(stats) as (keyof typeof stats)[]) stats[k] += tx.counters[k] - before[k];
          await batchTx.commit(tx);
          committed += batch.length;
        } catch (error) {
          batchTx.rollback(tx);
          failed += batch.length;
          failedBatches++;
          const message = error instanceof Error ? error.message : String(error);
          errors.set(message, (errors.get(message) ?? 0n) + 1n);
        }
      }
      const total = BigInt(source.records.length);
      return [[
        BigInt(batches), total, 0n, BigInt(committed), BigInt(failed), BigInt(failedBatches), 0n, errors,
        new Map<string, CypherValue>([['total', BigInt(batches)], ['committed', BigInt(batches - failedBatches)], ['failed', BigInt(failedBatches)], ['errors', new Map()]]),
        new Map<string, CypherValue>([['total', total], ['committed', BigInt(committed)], ['failed', BigInt(failed)], ['errors', errors]]),
        false, new Map(), new Map(Object.entries(stats).map(([k, v]) => [k, BigInt(v)])),
      ]];
    },
  };
}
