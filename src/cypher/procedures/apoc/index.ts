// APOC core as Causeway provides it (docs/cypher-support.md lists every name): the procedures and
// functions that client libraries (@neo4j/graphql, LangChain, LlamaIndex, neode, …) generate.
// Anything else under apoc.* is an unknown procedure or function, as on a server without APOC.

import { Neo4jError, Status } from '../../../core/errors.js';
import type { ProcedureSignature } from '../../../execution/api.js';
import type { ScalarFunction } from '../../functions/types.js';
import { lookupScalar } from '../../functions/index.js';
import { printName } from '../../ast/print.js';
import { scalarToString } from '../../../values/format.js';
import type { CypherValue } from '../../../values/value.js';
import { collFunctions } from './coll.js';
import { failure, fn } from './common.js';
import { convertFunctions } from './convert.js';
import { cypherProcedures, withParamMapping } from './cypher.js';
import { dateFunctions } from './date.js';
import { mapFunctions } from './map.js';
import { metaFunctions, metaProcedures } from './meta.js';
import { pathProcedures } from './path.js';
import { javaFormat, textFunctions } from './text.js';

/** The APOC release whose behaviour these follow (apoc.version()). */
export const APOC_VERSION = '5.26.0';

function formatted(message: CypherValue | undefined, params: CypherValue | undefined): string {
  return javaFormat(String(message ?? ''), Array.isArray(params) ? params : []);
}

function schemaAssert(): ProcedureSignature {
  return {
    name: 'apoc.schema.assert', mode: 'SCHEMA',
    description: 'Drops all other existing indexes and constraints when `dropExisting` is `true` (default is `true`). Asserts at the end of the operation that the given indexes and unique constraints are there.',
    inputs: [{ name: 'indexes', type: 'MAP' }, { name: 'constraints', type: 'MAP' }, { name: 'dropExisting', type: 'BOOLEAN', default: true }],
    outputs: [{ name: 'label', type: 'ANY' }, { name: 'key', type: 'STRING' }, { name: 'keys', type: 'LIST<STRING>' }, { name: 'unique', type: 'BOOLEAN' }, { name: 'action', type: 'STRING' }],
    invoke: async (tx, args, context) => {
      if (!context) throw new Neo4jError(Status.FeatureNotSupported, 'apoc.schema.assert needs the Cypher engine');
      const wanted = (v: CypherValue | undefined): [string, string[]][] => (v instanceof Map ? [...v] : []).flatMap(([label, props]) =>
        (Array.isArray(props) ? props : []).map((p): [string, string[]] => [label, Array.isArray(p) ? p.map(String) : [String(p)]]));
      const indexes = wanted(args[0]);
      const constraints = wanted(args[1]);
      const dropExisting = args[2] !== false;
      const rows: CypherValue[][] = [];
      const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
      const run = (text: string): Promise<unknown> => context.run(text, new Map());
      for (const c of [...tx.constraints()]) {
        const keep = constraints.some(([l, ps]) => l === c.labelOrType && same(ps, c.properties) && c.kind === 'UNIQUENESS');
        if (keep) rows.push([c.labelOrType, c.properties.length === 1 ? c.properties[0]! : null, [...c.properties], true, 'KEPT']);
        else if (dropExisting) { await run(`DROP CONSTRAINT ${printName(c.name)}`); rows.push([c.labelOrType, c.properties.length === 1 ? c.properties[0]! : null, [...c.properties], true, 'DROPPED']); }
      }
      for (const i of [...tx.indexes()]) {
        if (i.owningConstraint || i.kind === 'LOOKUP' || i.entity !== 'NODE') continue;
        const keep = indexes.some(([l, ps]) => l === i.labelOrType && same(ps, i.properties));
        if (keep) rows.push([i.labelOrType, i.properties.length === 1 ? i.properties[0]! : null, [...i.properties], false, 'KEPT']);
        else if (dropExisting) { await run(`DROP INDEX ${printName(i.name)}`); rows.push([i.labelOrType, i.properties.length === 1 ? i.properties[0]! : null, [...i.properties], false, 'DROPPED']); }
      }
      for (const [label, props] of constraints) {
        if (tx.constraints().some((c) => c.labelOrType === label && same(c.properties, props) && c.kind === 'UNIQUENESS')) continue;
        const target = props.length === 1 ? `n.${printName(props[0]!)}` : `(${props.map((p) => `n.${printName(p)}`).join(', ')})`;
        await run(`CREATE CONSTRAINT FOR (n:${printName(label)}) REQUIRE ${target} IS UNIQUE`);
        rows.push([label, props.length === 1 ? props[0]! : null, props, true, 'CREATED']);
      }
      for (const [label, props] of indexes) {
        if (tx.indexes().some((i) => i.labelOrType === label && same(i.properties, props))) continue;
        await run(`CREATE INDEX FOR (n:${printName(label)}) ON (${props.map((p) => `n.${printName(p)}`).join(', ')})`);
        rows.push([label, props.length === 1 ? props[0]! : null, props, false, 'CREATED']);
      }
      return rows;
    },
  };
}

export function apocProcedures(): ProcedureSignature[] {
  return [
    {
      name: 'apoc.util.validate', mode: 'READ',
      inputs: [{ name: 'predicate', type: 'BOOLEAN' }, { name: 'message', type: 'STRING' }, { name: 'params', type: 'LIST<ANY>' }],
      outputs: [],
      description: 'If the given predicate is true an exception is thrown.',
      invoke: (_tx, args) => {
        if (args[0] === true) throw failure('procedure', 'apoc.util.validate', formatted(args[1], args[2]));
        return [];
      },
    },
    ...cypherProcedures(),
    ...metaProcedures(),
    ...pathProcedures(),
    schemaAssert(),
  ];
}

/**
 * apoc.cypher.runFirstColumn{Single,Many}(statement, params) and APOC 3.5/4's
 * runFirstColumn(statement, params, expectMultipleValues = true), which neo4j-graphql-js sends.
 */
function firstColumn(name: string, many: boolean | 'argument') {
  return fn(name, 2, many === 'argument' ? 3 : 2, (a, ctx) => {
    if (typeof a[0] !== 'string') throw failure('function', name, 'the statement must be a string');
    if (!ctx.runNestedSync) throw new Neo4jError(Status.FeatureNotSupported, `${name} outside the Cypher engine`);
    const params = a[1] instanceof Map ? a[1] : new Map<string, CypherValue>();
    const { rows } = ctx.runNestedSync(withParamMapping(a[0], params.keys()), params);
    const multiple = many === 'argument' ? a[2] !== false : many;
    return multiple ? rows.map((r) => r[0] ?? null) : rows[0]?.[0] ?? null;
  }, false);
}

export const apocFunctions: ScalarFunction[] = [
  fn('apoc.util.validatePredicate', 3, 3, (a) => {
    if (a[0] === true) throw failure('function', 'apoc.util.validatePredicate', formatted(a[1], a[2]));
    return true;
  }),
  fn('apoc.create.uuid', 0, 0, (a, ctx) => lookupScalar('randomUUID')!.impl(a, ctx), false),
  fn('apoc.version', 0, 0, () => APOC_VERSION),
  firstColumn('apoc.cypher.runFirstColumnSingle', false),
  firstColumn('apoc.cypher.runFirstColumnMany', true),
  firstColumn('apoc.cypher.runFirstColumn', 'argument'),
  ...collFunctions, ...mapFunctions, ...textFunctions, ...convertFunctions, ...dateFunctions, ...metaFunctions,
];
