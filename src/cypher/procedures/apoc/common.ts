// Helpers shared by the APOC stand-ins: argument checks that fail like APOC's wrapped Java
// exceptions, and number conversions between Cypher's integers (bigint) and floats.

import { Neo4jError, Status } from '../../../core/errors.js';
import type { ScalarFunction, ScalarImpl } from '../../functions/types.js';
import { typeName } from '../../../values/format.js';
import type { CypherValue } from '../../../values/value.js';

export function failure(kind: 'procedure' | 'function', name: string, message: string): Neo4jError {
  return new Neo4jError(kind === 'procedure' ? Status.ProcedureCallFailed : Status.ArgumentError,
    `Failed to invoke ${kind} \`${name}\`: Caused by: java.lang.RuntimeException: ${message}`);
}

export function fn(name: string, minArgs: number, maxArgs: number, impl: ScalarImpl, deterministic = true): ScalarFunction {
  return { name, minArgs, maxArgs, impl, ...(deterministic ? {} : { deterministic: false }) };
}

export function list(name: string, v: CypherValue | undefined): CypherValue[] | null {
  if (v === null || v === undefined) return null;
  if (!Array.isArray(v)) throw new Neo4jError(Status.TypeError, `${name} expects a list, got ${typeName(v)}`);
  return v;
}

export function map(name: string, v: CypherValue | undefined): Map<string, CypherValue> | null {
  if (v === null || v === undefined) return null;
  if (!(v instanceof Map)) throw new Neo4jError(Status.TypeError, `${name} expects a map, got ${typeName(v)}`);
  return v;
}

export function str(name: string, v: CypherValue | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') throw new Neo4jError(Status.TypeError, `${name} expects a string, got ${typeName(v)}`);
  return v;
}

export function int(name: string, v: CypherValue | undefined, fallback?: number): number {
  if ((v === null || v === undefined) && fallback !== undefined) return fallback;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw new Neo4jError(Status.TypeError, `${name} expects an integer, got ${typeName(v ?? null)}`);
}

export function num(v: CypherValue): number | null {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  return null;
}
