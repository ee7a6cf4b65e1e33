// The TCK's expected-value notation (table cells and parameters) and its comparison with engine
// results. Notation: null, true/false, integers, floats (1.0, -1e-3, NaN, Inf, -Inf), 'strings',
// [lists], {maps}, nodes (:A:B {k: 1}), relationships [:T {k: 1}], paths <(:A)-[:T]->(:B)>.
// Integers and floats stay distinct; nodes and relationships compare by labels/type and
// properties, never by identity; temporal results compare by their string form.

import {
  NodeValue, PathValue, RelationshipValue, isMap, isTemporal, type CypherValue,
} from '../values/value.js';

type Props = readonly (readonly [string, TckValue])[];
export interface TckNode { readonly kind: 'node'; readonly labels: readonly string[]; readonly props: Props }
export interface TckRel { readonly kind: 'rel'; readonly type: string; readonly props: Props }
export type TckValue =
  | { readonly kind: 'null' }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'int'; readonly value: bigint }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'list'; readonly items: readonly TckValue[] }
  | { readonly kind: 'map'; readonly entries: Props }
  | TckNode
  | TckRel
  | { readonly kind: 'path'; readonly start: TckNode; readonly steps: readonly { readonly rel: TckRel; readonly forward: boolean; readonly node: TckNode }[] };

export class TckValueSyntaxError extends Error {}

class ValueParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parseAll(): TckValue {
    const value = this.value();
    this.ws();
    if (this.pos !== this.text.length) this.fail('unexpected trailing text');
    return value;
  }

  private fail(why: string): never {
    throw new TckValueSyntaxError(`cannot parse TCK value "${this.text}" at ${this.pos}: ${why}`);
  }

  private ws(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] as string)) this.pos++;
  }

  private peek(): string {
    this.ws();
    return this.text[this.pos] ?? '';
  }

  private expect(s: string): void {
    this.ws();
    if (!this.text.startsWith(s, this.pos)) this.fail(`expected "${s}"`);
    this.pos += s.length;
  }

  private tryConsume(s: string): boolean {
    this.ws();
    if (!this.text.startsWith(s, this.pos)) return false;
    this.pos += s.length;
    return true;
  }

  value(): TckValue {
    const ch = this.peek();
    const rest = this.text.slice(this.pos);
    if (ch === "'" || ch === '"') return { kind: 'string', value: this.string() };
    if (ch === '[') {
      const after = this.text.slice(this.pos + 1).trimStart();
      return after.startsWith(':') ? this.rel() : this.list();
    }
    if (ch === '{') return { kind: 'map', entries: this.props() };
    if (ch === '(') return this.node();
    if (ch === '<') return this.path();
    const word = /^(null|true|false|NaN|-?Inf(inity)?)\b/i.exec(rest);
    if (word !== null) {
      this.pos += word[0].length;
      const w = word[0];
      if (w === 'null') return { kind: 'null' };
      if (w === 'true' || w === 'false') return { kind: 'bool', value: w === 'true' };
      if (w === 'NaN') return { kind: 'float', value: NaN };
      if (/^Inf/.test(w)) return { kind: 'float', value: Infinity };
      if (/^-Inf/.test(w)) return { kind: 'float', value: -Infinity };
      this.fail(`unknown word ${w}`);
    }
    const num = /^[-+]?(0x[0-9a-fA-F]+|0o[0-7]+|(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)/.exec(rest);
    if (num !== null) {
      this.pos += num[0].length;
      const t = num[0];
      if (/0x|0o/.test(t)) {
        const negative = t.startsWith('-');
        const magnitude = BigInt(t.replace(/^[-+]/, ''));
        return { kind: 'int', value: negative ? -magnitude : magnitude };
      }
      if (/[.eE]/.test(t)) return { kind: 'float', value: Number(t) };
      return { kind: 'int', value: BigInt(t) };
    }
    return this.fail('unexpected character');
  }

  private string(): string {
    const quote = this.text[this.pos];
    this.pos++;
    let out = '';
    while (this.pos < this.text.length) {
      const c = this.text[this.pos] as string;
      if (c === '\\') {
        const n = this.text[this.pos + 1] ?? '';
        const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '\\': '\\', "'": "'", '"': '"' };
        if (n === 'u') {
          out += String.fromCharCode(parseInt(this.text.slice(this.pos + 2, this.pos + 6), 16));
          this.pos += 6;
          continue;
        }
        out += map[n] ?? n;
        this.pos += 2;
        continue;
      }
      if (c === quote) {
        this.pos++;
        return out;
      }
      out += c;
      this.pos++;
    }
    return this.fail('unterminated string');
  }

  private name(): string {
    this.ws();
    if (this.text[this.pos] === '`') {
      const end = this.text.indexOf('`', this.pos + 1);
      if (end < 0) this.fail('unterminated backtick name');
      const n = this.text.slice(this.pos + 1, end);
      this.pos = end + 1;
      return n;
    }
    const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(this.text.slice(this.pos));
    if (m === null) return this.fail('expected a name');
    this.pos += m[0].length;
    return m[0];
  }

  private list(): TckValue {
    this.expect('[');
    const items: TckValue[] = [];
    if (this.tryConsume(']')) return { kind: 'list', items };
    do items.push(this.value()); while (this.tryConsume(','));
    this.expect(']');
    return { kind: 'list', items };
  }

  private props(): Props {
    this.expect('{');
    const entries: [string, TckValue][] = [];
    if (this.tryConsume('}')) return entries;
    do {
      const ch = this.peek();
      const key = ch === "'" || ch === '"' ? this.string() : this.name();
      this.expect(':');
      entries.push([key, this.value()]);
    } while (this.tryConsume(','));
    this.expect('}');
    return entries;
  }

  private node(): TckNode {
    this.expect('(');
    const labels: string[] = [];
    while (this.tryConsume(':')) labels.push(this.name());
    const props = this.peek() === '{' ? this.props() : [];
    this.expect(')');
    return { kind: 'node', labels, props };
  }

  private rel(): TckRel {
    this.expect('[');
    this.expect(':');
    const type = this.name();
    const props = this.peek() === '{' ? this.props() : [];
    this.expect(']');
    return { kind: 'rel', type, props };
  }

  private path(): TckValue {
    this.expect('<');
    const start = this.node();
    const steps: { rel: TckRel; forward: boolean; node: TckNode }[] = [];
    while (this.peek() === '-' || this.peek() === '<') {
      const backward = this.tryConsume('<-');
      if (!backward) this.expect('-');
      const rel = this.rel();
      if (backward) this.expect('-');
      else this.expect('->');
      steps.push({ rel, forward: !backward, node: this.node() });
    }
    this.expect('>');
    return { kind: 'path', start, steps };
  }
}

export function parseTckValue(text: string): TckValue {
  return new ValueParser(text.trim()).parseAll();
}

/** Parameters are plain values; graph entities cannot be passed in. */
export function tckValueToCypher(value: TckValue): CypherValue {
  switch (value.kind) {
    case 'null': return null;
    case 'bool': case 'int': case 'float': case 'string': return value.value;
    case 'list': return value.items.map(tckValueToCypher);
    case 'map': return new Map(value.entries.map(([k, v]) => [k, tckValueToCypher(v)]));
    default: throw new TckValueSyntaxError(`a ${value.kind} cannot be a parameter`);
  }
}

export interface CompareOptions {
  readonly ignoreListOrder: boolean;
  /** string form of a temporal (or other non-literal) value, as the engine's toString gives it */
  readonly stringify?: (value: CypherValue) => string | undefined;
}

function propsMatch(actual: ReadonlyMap<string, CypherValue>, expected: Props, options: CompareOptions): boolean {
  if (actual.size !== expected.length) return false;
  return expected.every(([k, v]) => actual.has(k) && valueMatches(actual.get(k) as CypherValue, v, options));
}

function nodeMatches(actual: CypherValue, expected: TckNode, options: CompareOptions): boolean {
  if (!(actual instanceof NodeValue)) return false;
  if (actual.labels.length !== expected.labels.length) return false;
  const labels = new Set(actual.labels);
  return expected.labels.every((l) => labels.has(l)) && propsMatch(actual.properties, expected.props, options);
}

function relMatches(actual: CypherValue, expected: TckRel, options: CompareOptions): boolean {
  return actual instanceof RelationshipValue && actual.type === expected.type && propsMatch(actual.properties, expected.props, options);
}

/** Matches lists as multisets: each expected element consumes one distinct equal actual element. */
function bagMatches(actual: readonly CypherValue[], expected: readonly TckValue[], options: CompareOptions): boolean {
  if (actual.length !== expected.length) return false;
  const used = new Array<boolean>(actual.length).fill(false);
  for (const e of expected) {
    const index = actual.findIndex((a, i) => !used[i] && valueMatches(a, e, options));
    if (index < 0) return false;
    used[index] = true;
  }
  return true;
}

export function valueMatches(actual: CypherValue, expected: TckValue, options: CompareOptions): boolean {
  switch (expected.kind) {
    case 'null': return actual === null;
    case 'bool': return actual === expected.value;
    case 'int': return typeof actual === 'bigint' && actual === expected.value;
    case 'float':
      if (typeof actual !== 'number') return false;
      return Number.isNaN(expected.value) ? Number.isNaN(actual) : actual === expected.value;
    case 'string':
      if (typeof actual === 'string') return actual === expected.value;
      if (isTemporal(actual) && options.stringify !== undefined) return options.stringify(actual) === expected.value;
      return false;
    case 'list':
      if (!Array.isArray(actual)) return false;
      if (options.ignoreListOrder) return bagMatches(actual, expected.items, options);
      return actual.length === expected.items.length && expected.items.every((e, i) => valueMatches(actual[i] as CypherValue, e, options));
    case 'map':
      return isMap(actual) && propsMatch(actual, expected.entries, options);
    case 'node': return nodeMatches(actual, expected, options);
    case 'rel': return relMatches(actual, expected, options);
    case 'path': {
      if (!(actual instanceof PathValue)) return false;
      if (actual.relationships.length !== expected.steps.length) return false;
      if (!nodeMatches(actual.nodes[0] as NodeValue, expected.start, options)) return false;
      return expected.steps.every((step, i) => {
        const rel = actual.relationships[i] as RelationshipValue;
        const from = actual.nodes[i] as NodeValue;
        const to = actual.nodes[i + 1] as NodeValue;
        const forward = rel.startId === from.id && rel.endId === to.id;
        const backward = rel.endId === from.id && rel.startId === to.id;
        return (step.forward ? forward : backward) && relMatches(rel, step.rel, options) && nodeMatches(to, step.node, options);
      });
    }
  }
}

/** Rows as the TCK compares them: in order, or as a multiset of rows. */
export function rowsMatch(
  actual: readonly (readonly CypherValue[])[],
  expected: readonly (readonly TckValue[])[],
  ordered: boolean,
  options: CompareOptions,
): boolean {
  if (actual.length !== expected.length) return false;
  const rowMatches = (a: readonly CypherValue[], e: readonly TckValue[]): boolean =>
    a.length === e.length && e.every((v, i) => valueMatches(a[i] as CypherValue, v, options));
  if (ordered) return expected.every((e, i) => rowMatches(actual[i] as readonly CypherValue[], e));
  const used = new Array<boolean>(actual.length).fill(false);
  for (const e of expected) {
    const index = actual.findIndex((a, i) => !used[i] && rowMatches(a, e));
    if (index < 0) return false;
    used[index] = true;
  }
  return true;
}

/** A compact rendering of engine values for failure messages, in the TCK's notation. */
export function describeCypherValue(value: CypherValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Inf' : '-Inf';
    return Number.isInteger(value) ? `${value}.0` : String(value);
  }
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(describeCypherValue).join(', ')}]`;
  const props = (m: ReadonlyMap<string, CypherValue>): string =>
    m.size === 0 ? '' : ` {${[...m].map(([k, v]) => `${k}: ${describeCypherValue(v)}`).join(', ')}}`;
  if (isMap(value)) return `{${[...value].map(([k, v]) => `${k}: ${describeCypherValue(v)}`).join(', ')}}`;
  if (value instanceof NodeValue) return `(${value.labels.map((l) => `:${l}`).join('')}${props(value.properties)})`;
  if (value instanceof RelationshipValue) return `[:${value.type}${props(value.properties)}]`;
  if (value instanceof PathValue) {
    let out = `<${describeCypherValue(value.nodes[0] as NodeValue)}`;
    value.relationships.forEach((r, i) => {
      const from = value.nodes[i] as NodeValue;
      const forward = r.startId === from.id;
      out += forward ? `-${describeCypherValue(r)}->` : `<-${describeCypherValue(r)}-`;
      out += describeCypherValue(value.nodes[i + 1] as NodeValue);
    });
    return out + '>';
  }
  return `${value.constructor.name}(${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))})`;
}
