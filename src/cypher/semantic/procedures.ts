// Procedure call checks against registered signatures: existence, argument count and passing
// mode, literal argument types, YIELD fields. Also yields the columns of a standalone CALL.

import { Status } from '../../core/errors.js';
import type { ProcedureSignature } from '../../execution/api.js';
import type { CallProcedureClause } from '../ast/index.js';
import type { Analyzer } from './analyzer.js';
import { checkExpression, PLAIN } from './expressions.js';
import { typeName, type Scope, type StaticType } from './scope.js';

/** Static types a declared Neo4j procedure type accepts (null = anything). */
function acceptedTypes(declared: string): readonly StaticType[] | null {
  const base = declared.replace(/\?/g, '').trim().toUpperCase();
  if (base.startsWith('LIST')) return ['list', 'null'];
  switch (base) {
    case 'STRING': return ['string', 'null'];
    case 'INTEGER': return ['integer', 'null'];
    case 'FLOAT': return ['float', 'integer', 'null'];
    case 'NUMBER': return ['integer', 'float', 'null'];
    case 'BOOLEAN': return ['boolean', 'null'];
    case 'MAP': return ['map', 'node', 'relationship', 'null'];
    case 'NODE': return ['node', 'null'];
    case 'RELATIONSHIP': return ['relationship', 'null'];
    case 'PATH': return ['path', 'null'];
    default: return null;
  }
}

function declaredTypeName(declared: string): string {
  const base = declared.replace(/\?/g, '').trim().toLowerCase();
  return base.charAt(0).toUpperCase() + base.slice(1);
}

/**
 * Checks a CALL against its signature. Returns the output columns the call contributes when it
 * is a standalone call without explicit YIELD items, else null.
 */
export function checkProcedureCall(
  a: Analyzer, clause: CallProcedureClause, scope: Scope, signature: ProcedureSignature | undefined, standalone: boolean,
): readonly string[] | null {
  if (signature === undefined) {
    throw a.error('ProcedureNotFound',
      `There is no procedure with the name \`${clause.name}\` registered for this database instance. Please ensure you've spelled the procedure name correctly and that the procedure is properly deployed.`,
      clause.span.start, Status.ProcedureNotFound);
  }
  const inputs = signature.inputs;
  const required = inputs.filter((i) => i.default === undefined).length;
  if (clause.args === null) {
    if (!standalone && inputs.length > 0) {
      throw a.error('InvalidArgumentPassingMode',
        `Procedure call inside a query does not support passing arguments implicitly. Please pass arguments explicitly in parentheses after procedure name for ${clause.name}`,
        clause.span.start);
    }
    // Implicit arguments come from parameters of the same names.
    for (const input of inputs) if (input.default === undefined) a.parameters.add(input.name);
  } else {
    if (clause.args.length < required || clause.args.length > inputs.length) {
      const defaults = inputs.length - required;
      throw a.error('InvalidNumberOfArguments',
        `Procedure call does not provide the required number of arguments: got ${clause.args.length} expected ${defaults > 0 ? `at least ${required}` : required} (total: ${inputs.length}, ${defaults} of which have default values).`,
        clause.span.start);
    }
    clause.args.forEach((arg, i) => {
      const t = checkExpression(a, arg, scope, PLAIN);
      const accepted = acceptedTypes(inputs[i]!.type);
      if (accepted !== null && t !== 'any' && !accepted.includes(t)) {
        throw a.error('InvalidArgumentType', `Type mismatch: expected ${declaredTypeName(inputs[i]!.type)} but was ${typeName(t)}`, arg.span.start);
      }
    });
  }
  const outputs = new Set(signature.outputs.map((o) => o.name));
  for (const item of clause.yieldItems ?? []) {
    if (!outputs.has(item.field)) {
      throw a.error('UndefinedVariable', `Unknown procedure output: \`${item.field}\``, item.span.start);
    }
  }
  if (standalone && (clause.yieldItems === null || clause.yieldStar)) return signature.outputs.map((o) => o.name);
  return null;
}
