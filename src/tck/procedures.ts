// `And there exists a procedure test.my.proc(in :: INTEGER?) :: (out :: STRING?):` with a table
// whose columns are the inputs then the outputs: calling the procedure yields the output part of
// every row whose input part equals the arguments.

import type { ProcedureSignature } from '../execution/api.js';
import { isMap, type CypherValue } from '../values/value.js';
import { parseTckValue, tckValueToCypher } from './values.js';

interface Field { readonly name: string; readonly type: string }

function parseFields(text: string): Field[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  return trimmed.split(',').map((part) => {
    const m = /^\s*(\w+)\s*::\s*([\w ?]+?)\s*$/.exec(part);
    if (m === null) throw new Error(`cannot parse procedure field "${part}"`);
    return { name: m[1] as string, type: (m[2] as string).replace(/\?$/, '').trim() };
  });
}

/** Argument matching is value equality with integers and floats comparing numerically. */
function sameValue(a: CypherValue, b: CypherValue): boolean {
  if (a === null || b === null) return a === b;
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) return Number(a) === Number(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i] as CypherValue));
  if (isMap(a) && isMap(b)) return a.size === b.size && [...a].every(([k, v]) => b.has(k) && sameValue(v, b.get(k) as CypherValue));
  return a === b;
}

export function parseProcedureStep(text: string, table: readonly (readonly string[])[]): ProcedureSignature {
  const m = /^there exists a procedure ([\w.]+)\((.*?)\)\s*::\s*\((.*?)\)\s*:?\s*$/.exec(text);
  if (m === null) throw new Error(`cannot parse procedure declaration "${text}"`);
  const inputs = parseFields(m[2] as string);
  const outputs = parseFields(m[3] as string);
  const rows = table.slice(1).map((row) => row.map((cell) => tckValueToCypher(parseTckValue(cell))));
  return {
    name: m[1] as string,
    mode: 'READ',
    inputs,
    outputs,
    description: 'a procedure declared by a TCK scenario',
    invoke(_tx, args) {
      return rows
        .filter((row) => inputs.every((_, i) => sameValue(row[i] as CypherValue, args[i] ?? null)))
        .map((row) => row.slice(inputs.length));
    },
  };
}
