// Neo4j 5.26 dynamic labels and types: `n:$(expr)`, `n:$any(expr)`, `-[:$(expr)]->`. The names come
// from an expression evaluated per row: a string or a list of strings. In a predicate the parser
// calls the hidden function below (its name has leading spaces, so no query can spell it).

import { typeError } from '../../core/errors.js';
import { currentNode, currentRel } from '../values/entities.js';
import { formatValue, typeName } from '../../values/format.js';
import { type CypherValue, NodeValue, RelationshipValue } from '../../values/value.js';
import type { ScalarFunction } from './types.js';

export const DYNAMIC_LABELS_FUNCTION = '  dynamicLabels';

/** The names a dynamic label or type expression gives; null for a null value (no match). */
export function dynamicNames(v: CypherValue, what: 'label' | 'relationship type'): string[] | null {
  if (v === null) return null;
  const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v : null;
  if (list === null || list.some((x) => typeof x !== 'string')) {
    throw typeError(`Expected a STRING or LIST<STRING> for a dynamic ${what}, but got: ${typeName(v)}(${formatValue(v)})`);
  }
  for (const name of list as string[]) if (name === '') throw typeError(`A dynamic ${what} cannot be the empty string`);
  return list as string[];
}

/** Names for a write (CREATE, MERGE, SET, REMOVE): null is an error there. */
export function dynamicNamesToWrite(v: CypherValue, what: 'label' | 'relationship type'): string[] {
  const names = dynamicNames(v, what);
  if (names === null) throw typeError(`Expected a STRING or LIST<STRING> for a dynamic ${what}, but got: NULL`);
  return names;
}

export const dynamicLabelFunctions: ScalarFunction[] = [{
  name: DYNAMIC_LABELS_FUNCTION, minArgs: 3, maxArgs: 3, deterministic: false,
  impl: ([subject, value, mode], ctx) => {
    if (subject === null || subject === undefined) return null;
    if (subject instanceof NodeValue) {
      const names = dynamicNames(value ?? null, 'label');
      if (names === null) return null;
      const have = currentNode(ctx.graph, subject).labels;
      return mode === 'any' ? names.some((l) => have.includes(l)) : names.every((l) => have.includes(l));
    }
    if (subject instanceof RelationshipValue) {
      const names = dynamicNames(value ?? null, 'relationship type');
      if (names === null) return null;
      const type = currentRel(ctx.graph, subject).type;
      return mode === 'any' ? names.includes(type) : names.every((t) => t === type);
    }
    throw typeError(`Expected a Node or Relationship for a dynamic label expression, but got: ${typeName(subject)}`);
  },
}];
