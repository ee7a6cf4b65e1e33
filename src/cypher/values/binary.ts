// A compact binary form of any Cypher value (rows and parameters), for handing query results
// between threads: a batch of rows is one byte buffer that can be transferred instead of a
// structured clone of objects. Exact round trip: integers stay bigint and floats stay numbers
// (NaN, -0 and infinities too), strings that are not well-formed UTF-16 keep their lone
// surrogates, entities keep their element ids. Property-shaped leaves (temporal, spatial)
// reuse the storage encoding of src/graph/bytes.ts.

import { ByteReader, ByteWriter, readValue, writeValue } from '../../graph/bytes.js';
import {
  type CypherMap, type CypherValue, DateTimeValue, DateValue, DurationValue, LocalDateTimeValue, LocalTimeValue, NodeValue,
  PathValue, PointValue, type PropertyValue, RelationshipValue, TimeValue,
} from '../../values/value.js';

const enum Tag {
  Null = 0, False = 1, True = 2, Int32 = 3, Int64 = 4, Float = 5, Utf8 = 6, Utf16 = 7,
  List = 8, Map = 9, Node = 10, Relationship = 11, Path = 12, Property = 13,
}

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;

/** Strings carry their UTF-16 code units when UTF-8 could not represent them (lone surrogates). */
const isWellFormed: (s: string) => boolean =
  typeof (String.prototype as { isWellFormed?: () => boolean }).isWellFormed === 'function'
    ? (s) => (s as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (s) => !/[\uD800-\uDFFF]/.test(s) || /^(?:[^\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/.test(s);

export function writeCypherValue(out: ByteWriter, value: CypherValue): void {
  switch (typeof value) {
    case 'boolean':
      out.u8(value ? Tag.True : Tag.False);
      return;
    case 'bigint':
      if (value >= INT32_MIN && value <= INT32_MAX) out.u8(Tag.Int32).i32(Number(value));
      else out.u8(Tag.Int64).i64(value);
      return;
    case 'number':
      out.u8(Tag.Float).f64(value);
      return;
    case 'string':
      writeString(out, value);
      return;
    default:
      break;
  }
  if (value === null) {
    out.u8(Tag.Null);
  } else if (Array.isArray(value)) {
    out.u8(Tag.List).varint(value.length);
    for (const element of value) writeCypherValue(out, element);
  } else if (value instanceof Map) {
    out.u8(Tag.Map);
    writeMap(out, value);
  } else if (value instanceof NodeValue) {
    out.u8(Tag.Node);
    writeNode(out, value);
  } else if (value instanceof RelationshipValue) {
    out.u8(Tag.Relationship);
    writeRel(out, value);
  } else if (value instanceof PathValue) {
    out.u8(Tag.Path).varint(value.nodes.length);
    for (const node of value.nodes) writeNode(out, node);
    out.varint(value.relationships.length);
    for (const rel of value.relationships) writeRel(out, rel);
  } else if (
    value instanceof DateValue || value instanceof LocalTimeValue || value instanceof TimeValue || value instanceof LocalDateTimeValue ||
    value instanceof DateTimeValue || value instanceof DurationValue || value instanceof PointValue
  ) {
    out.u8(Tag.Property);
    writeValue(out, value as PropertyValue);
  } else {
    throw new Error(`invariant violated: not a Cypher value: ${String(value)}`);
  }
}

export function readCypherValue(input: ByteReader): CypherValue {
  const tag = input.u8();
  switch (tag) {
    case Tag.Null: return null;
    case Tag.False: return false;
    case Tag.True: return true;
    case Tag.Int32: return BigInt(input.i32());
    case Tag.Int64: return input.i64();
    case Tag.Float: return input.f64();
    case Tag.Utf8: return input.string();
    case Tag.Utf16: return readUtf16(input);
    case Tag.List: {
      const count = input.varint();
      if (count > input.remaining) throw new RangeError('list longer than its data');
      const list: CypherValue[] = new Array(count);
      for (let i = 0; i < count; i++) list[i] = readCypherValue(input);
      return list;
    }
    case Tag.Map: return readMap(input);
    case Tag.Node: return readNode(input);
    case Tag.Relationship: return readRel(input);
    case Tag.Path: {
      const nodeCount = input.varint();
      if (nodeCount > input.remaining) throw new RangeError('path longer than its data');
      const nodes: NodeValue[] = [];
      for (let i = 0; i < nodeCount; i++) nodes.push(readNode(input));
      const relCount = input.varint();
      if (relCount > input.remaining) throw new RangeError('path longer than its data');
      const rels: RelationshipValue[] = [];
      for (let i = 0; i < relCount; i++) rels.push(readRel(input));
      return new PathValue(nodes, rels);
    }
    case Tag.Property: return readValue(input);
    default:
      throw new RangeError(`unknown value tag ${tag}`);
  }
}

/** A row: its values in column order. */
export function writeRow(out: ByteWriter, values: readonly CypherValue[]): void {
  out.varint(values.length);
  for (const value of values) writeCypherValue(out, value);
}

export function readRow(input: ByteReader): CypherValue[] {
  const count = input.varint();
  if (count > input.remaining) throw new RangeError('row longer than its data');
  const values: CypherValue[] = new Array(count);
  for (let i = 0; i < count; i++) values[i] = readCypherValue(input);
  return values;
}

/** Statement parameters (or any string-keyed map). */
export function writeMap(out: ByteWriter, map: ReadonlyMap<string, CypherValue>): void {
  out.varint(map.size);
  for (const [key, value] of map) {
    writeString(out, key);
    writeCypherValue(out, value);
  }
}

export function readMap(input: ByteReader): CypherMap {
  const count = input.varint();
  if (count > input.remaining) throw new RangeError('map longer than its data');
  const map: CypherMap = new Map();
  for (let i = 0; i < count; i++) {
    const key = readCypherValue(input);
    if (typeof key !== 'string') throw new RangeError('map key is not a string');
    map.set(key, readCypherValue(input));
  }
  return map;
}

function writeString(out: ByteWriter, value: string): void {
  if (isWellFormed(value)) {
    out.u8(Tag.Utf8).string(value);
    return;
  }
  out.u8(Tag.Utf16).varint(value.length);
  for (let i = 0; i < value.length; i++) out.u16(value.charCodeAt(i));
}

function readUtf16(input: ByteReader): string {
  const length = input.varint();
  if (length * 2 > input.remaining) throw new RangeError('string longer than its data');
  let text = '';
  for (let i = 0; i < length; i++) text += String.fromCharCode(input.u16());
  return text;
}

/** Ids are safe integers (negative for virtual entities); element ids are sent only when not the default. */
function writeId(out: ByteWriter, id: number): void {
  out.f64(id);
}

function writeElementId(out: ByteWriter, elementId: string, id: number): void {
  if (elementId === String(id)) out.u8(0);
  else out.u8(1).string(elementId);
}

function readElementId(input: ByteReader, id: number): string {
  return input.u8() === 0 ? String(id) : input.string();
}

function writeNode(out: ByteWriter, node: NodeValue): void {
  writeId(out, node.id);
  writeElementId(out, node.elementId, node.id);
  out.varint(node.labels.length);
  for (const label of node.labels) writeString(out, label);
  writeMap(out, node.properties);
}

function readNode(input: ByteReader): NodeValue {
  const id = input.f64();
  const elementId = readElementId(input, id);
  const labelCount = input.varint();
  if (labelCount > input.remaining) throw new RangeError('labels longer than their data');
  const labels: string[] = [];
  for (let i = 0; i < labelCount; i++) {
    const label = readCypherValue(input);
    if (typeof label !== 'string') throw new RangeError('label is not a string');
    labels.push(label);
  }
  return new NodeValue(id, labels, readMap(input), elementId);
}

function writeRel(out: ByteWriter, rel: RelationshipValue): void {
  writeId(out, rel.id);
  writeId(out, rel.startId);
  writeId(out, rel.endId);
  writeElementId(out, rel.elementId, rel.id);
  writeElementId(out, rel.startElementId, rel.startId);
  writeElementId(out, rel.endElementId, rel.endId);
  writeString(out, rel.type);
  writeMap(out, rel.properties);
}

function readRel(input: ByteReader): RelationshipValue {
  const id = input.f64();
  const startId = input.f64();
  const endId = input.f64();
  const elementId = readElementId(input, id);
  const startElementId = readElementId(input, startId);
  const endElementId = readElementId(input, endId);
  const type = readCypherValue(input);
  if (typeof type !== 'string') throw new RangeError('relationship type is not a string');
  return new RelationshipValue(id, type, startId, endId, readMap(input), elementId, startElementId, endElementId);
}
