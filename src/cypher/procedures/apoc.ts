// The few APOC helpers that generated Cypher (e.g. @neo4j/graphql) calls: apoc.util.validate and
// apoc.util.validatePredicate / apoc.date.convertFormat as functions. Errors read like Neo4j's
// wrapped procedure failures, which client libraries match on.

import { Neo4jError, Status, typeError } from '../../core/errors.js';
import type { ProcedureSignature } from '../../execution/api.js';
import type { ScalarFunction } from '../functions/types.js';
import { scalarToString } from '../../values/format.js';
import type { CypherValue } from '../../values/value.js';

/** Java String.format for the %s/%d placeholders these helpers use. */
function javaFormat(message: string, params: CypherValue): string {
  const args = Array.isArray(params) ? params : [];
  let i = 0;
  return message.replace(/%[sd]/g, () => (i < args.length ? scalarToString(args[i++]!) : ''));
}

function failure(kind: 'procedure' | 'function', name: string, message: string): Neo4jError {
  return new Neo4jError(Status.ProcedureCallFailed,
    `Failed to invoke ${kind} \`${name}\`: Caused by: java.lang.RuntimeException: ${message}`);
}

export function apocProcedures(): ProcedureSignature[] {
  return [{
    name: 'apoc.util.validate', mode: 'READ',
    inputs: [{ name: 'predicate', type: 'BOOLEAN' }, { name: 'message', type: 'STRING' }, { name: 'params', type: 'LIST<ANY>' }],
    outputs: [],
    description: 'If the given predicate is true an exception is thrown.',
    invoke: (_tx, args) => {
      if (args[0] === true) throw failure('procedure', 'apoc.util.validate', javaFormat(String(args[1] ?? ''), args[2] ?? null));
      return [];
    },
  }];
}

const ZONED = /^(.*?)(\[[^\]]+\])$/;

export const apocFunctions: ScalarFunction[] = [
  {
    name: 'apoc.util.validatePredicate', minArgs: 3, maxArgs: 3, impl: (a) => {
      if (a[0] === true) throw failure('function', 'apoc.util.validatePredicate', javaFormat(String(a[1] ?? ''), a[2] ?? null));
      return true;
    },
  },
  {
    // Only the ISO conversions generated code uses: dropping the zone id keeps the offset form.
    name: 'apoc.date.convertFormat', minArgs: 2, maxArgs: 3, impl: (a) => {
      const text = a[0]!;
      if (text === null) return null;
      if (typeof text !== 'string') throw typeError('apoc.date.convertFormat expects a string');
      const to = String(a[2] ?? 'yyyy-MM-dd');
      if (to === 'iso_offset_date_time' || to === 'iso_date_time' || to === 'iso_instant') return text.replace(ZONED, '$1');
      throw new Neo4jError(Status.FeatureNotSupported, `apoc.date.convertFormat to '${to}' is not supported by Causeway yet`);
    },
  },
];
