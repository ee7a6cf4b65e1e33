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
  /** Visible only because a scoped CALL imported it, after a WITH that did not carry it. */
  readonly importedOnly?: boolean;
}

/** Small layers allowed above the nearest compacted level before they are merged. */
const SMALL_LAYERS_MAX = 16;

/**
 * A variable scope as a chain of layers: `child()` is O(1) amortized, so a statement of
 * thousands of clauses (each adding a variable) stays near-linear. Only the top layer is written
 * (`set`); a layer with children is never written again, which lets clause scopes be shared,
 * not copied. Runs of small layers are compacted into "levels" that merge like a binary
 * counter, keeping lookups to O(SMALL_LAYERS_MAX + log n) maps.
 */
export class Scope {
  private constructor(
    private readonly parent: Scope | null,
    private readonly own: Map<string, VariableInfo>,
    /** Small layers from here down to the nearest level (0 for a level). */
    private readonly smallDepth: number,
    private readonly isLevel: boolean,
  ) {}

  static empty(): Scope {
    return new Scope(null, new Map(), 0, false);
  }

  static of(entries: Iterable<readonly [string, VariableInfo]>): Scope {
    return new Scope(null, new Map(entries), 0, false);
  }

  /** A new writable layer on top of this one (this one must not be written afterwards). */
  child(): Scope {
    const base = this.smallDepth >= SMALL_LAYERS_MAX ? this.compact() : this;
    return new Scope(base, new Map(), base.smallDepth + 1, false);
  }

  /** The same bindings with the run of small layers merged into one level (no layer mutated). */
  private compact(): Scope {
    const layers: Scope[] = [];
    let below: Scope | null = this;
    while (below !== null && !below.isLevel) {
      layers.push(below);
      below = below.parent;
    }
    let merged = new Map<string, VariableInfo>();
    for (let i = layers.length - 1; i >= 0; i--) for (const [k, v] of layers[i]!.own) merged.set(k, v);
    while (below !== null && below.own.size <= merged.size * 2) {
      const combined = new Map(below.own);
      for (const [k, v] of merged) combined.set(k, v);
      merged = combined;
      below = below.parent;
    }
    return new Scope(below, merged, 0, true);
  }

  get(name: string): VariableInfo | undefined {
    for (let s: Scope | null = this; s !== null; s = s.parent) {
      const v = s.own.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Whether `name` was bound below the top layer (i.e. before the current clause). */
  hasBelowTop(name: string): boolean {
    return this.parent !== null && this.parent.has(name);
  }

  set(name: string, info: VariableInfo): void {
    this.own.set(name, info);
  }

  /** All bindings, outermost first, inner layers overriding. O(size). */
  entries(): [string, VariableInfo][] {
    const layers: Scope[] = [];
    for (let s: Scope | null = this; s !== null; s = s.parent) layers.push(s);
    const out = new Map<string, VariableInfo>();
    for (let i = layers.length - 1; i >= 0; i--) for (const [k, v] of layers[i]!.own) out.set(k, v);
    return [...out];
  }

  keys(): string[] {
    return this.entries().map(([k]) => k);
  }

  /** This scope overlaid with `top`'s bindings, as a new scope. */
  overlay(top: Scope): Scope {
    const s = this.child();
    for (const [k, v] of top.entries()) s.set(k, v);
    return s;
  }
}

/** Read-only kind view of a finished scope, shared rather than copied (see Scope). */
class KindView implements ReadonlyMap<string, VariableKind> {
  private materialized: Map<string, VariableKind> | null = null;
  constructor(private readonly scope: Scope) {}
  private map(): Map<string, VariableKind> {
    this.materialized ??= new Map(this.scope.entries().map(([k, v]) => [k, v.kind]));
    return this.materialized;
  }
  get(key: string): VariableKind | undefined {
    return this.scope.get(key)?.kind;
  }
  has(key: string): boolean {
    return this.scope.has(key);
  }
  get size(): number {
    return this.map().size;
  }
  forEach(cb: (value: VariableKind, key: string, map: ReadonlyMap<string, VariableKind>) => void): void {
    this.map().forEach((v, k) => cb(v, k, this));
  }
  entries(): MapIterator<[string, VariableKind]> {
    return this.map().entries();
  }
  keys(): MapIterator<string> {
    return this.map().keys();
  }
  values(): MapIterator<VariableKind> {
    return this.map().values();
  }
  [Symbol.iterator](): MapIterator<[string, VariableKind]> {
    return this.map()[Symbol.iterator]();
  }
}

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
  return new KindView(scope);
}

const TYPE_NAMES: Record<StaticType, string> = {
  boolean: 'Boolean', integer: 'Integer', float: 'Float', number: 'Number', string: 'String', list: 'List<T>', map: 'Map',
  node: 'Node', relationship: 'Relationship', path: 'Path', null: 'Null', any: 'Any',
};

export function typeName(type: StaticType): string {
  return TYPE_NAMES[type];
}
