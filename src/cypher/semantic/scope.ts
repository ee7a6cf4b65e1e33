// Variable scopes of semantic analysis, and the static types the analyzer can infer.

import type { VariableKind } from './types.js';

/** Coarse static type; 'any' = unknown at compile time. */
export type StaticType =
  | 'boolean' | 'integer' | 'float' | 'number' | 'string' | 'list' | 'map'
  | 'node' | 'relationship' | 'path' | 'null' | 'any';

export interface VariableInfo {
  readonly kind: VariableKind;
  /** For kind 'value': what is known about the value's type. */
  readonly type: StaticType;
}

/** Immutable-by-convention scope: clauses copy before extending. */
export type Scope = Map<string, VariableInfo>;

export function kindToType(kind: VariableKind): StaticType {
  switch (kind) {
    case 'node': return 'node';
    case 'relationship': return 'relationship';
    case 'relationshipList': return 'list';
    case 'path': return 'path';
    case 'value': return 'any';
  }
}

export function infoForType(type: StaticType): VariableInfo {
  if (type === 'node' || type === 'relationship' || type === 'path') return { kind: type, type };
  return { kind: 'value', type };
}

export function publicScope(scope: Scope): ReadonlyMap<string, VariableKind> {
  const out = new Map<string, VariableKind>();
  for (const [name, info] of scope) out.set(name, info.kind);
  return out;
}

const TYPE_NAMES: Record<StaticType, string> = {
  boolean: 'Boolean', integer: 'Integer', float: 'Float', number: 'Number', string: 'String', list: 'List<T>', map: 'Map',
  node: 'Node', relationship: 'Relationship', path: 'Path', null: 'Null', any: 'Any',
};

export function typeName(type: StaticType): string {
  return TYPE_NAMES[type];
}
