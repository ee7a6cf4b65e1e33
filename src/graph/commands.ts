// The tx command: what a committed transaction did, as a deterministic list of physical changes
// carrying the ids the leader allocated. This, never the Cypher text, is what the commit log
// stores and what a cluster replicates; applying the same commands in the same order gives the
// same store on every member. The binary form (encodeTxCommand / decodeTxCommand) is versioned:
// byte 0 is the format version, and a decoder refuses versions it does not know.
//
// Order inside a command is fixed by the producer (see tx-state.ts buildCommand): node creations,
// changes to existing nodes, relationship creations, relationship changes, relationship
// deletions, node deletions, then schema changes in the order they were issued.

import type { PropertyValue } from '../values/value.js';
import type {
  ConstraintDescriptor, ConstraintKind, IndexConfig, IndexDescriptor, IndexKind, NodeId, RelId,
} from './api.js';
import { ByteReader, ByteWriter, readValue, writeValue } from './bytes.js';

export const TX_COMMAND_VERSION = 1;

export type Property = readonly [key: string, value: PropertyValue];

export type TxOp =
  | { readonly op: 'createNode'; readonly id: NodeId; readonly labels: readonly string[]; readonly properties: readonly Property[] }
  | { readonly op: 'deleteNode'; readonly id: NodeId }
  | { readonly op: 'addLabel'; readonly id: NodeId; readonly label: string }
  | { readonly op: 'removeLabel'; readonly id: NodeId; readonly label: string }
  | { readonly op: 'setNodeProperty'; readonly id: NodeId; readonly key: string; readonly value: PropertyValue }
  | { readonly op: 'removeNodeProperty'; readonly id: NodeId; readonly key: string }
  | {
      readonly op: 'createRel'; readonly id: RelId; readonly type: string; readonly startId: NodeId; readonly endId: NodeId;
      readonly properties: readonly Property[];
    }
  | { readonly op: 'deleteRel'; readonly id: RelId }
  | { readonly op: 'setRelProperty'; readonly id: RelId; readonly key: string; readonly value: PropertyValue }
  | { readonly op: 'removeRelProperty'; readonly id: RelId; readonly key: string }
  | { readonly op: 'createIndex'; readonly index: IndexDescriptor }
  | { readonly op: 'dropIndex'; readonly name: string }
  | { readonly op: 'createConstraint'; readonly constraint: ConstraintDescriptor; readonly index?: IndexDescriptor }
  | { readonly op: 'dropConstraint'; readonly name: string };

export interface TxCommand {
  readonly version: number;
  /** Cluster lease under which the leader prepared this command; 0 on a single server. */
  readonly leaseId: number;
  readonly ops: readonly TxOp[];
}

/** A command together with its position in the commit order (its tx id). */
export interface CommittedCommand {
  readonly txId: number;
  readonly command: TxCommand;
  /** the command's binary form (encodeTxCommand), when it arrived as bytes (a replicated log entry) */
  readonly encoded?: Uint8Array;
}

const OP_CODES = [
  'createNode', 'deleteNode', 'addLabel', 'removeLabel', 'setNodeProperty', 'removeNodeProperty', 'createRel', 'deleteRel',
  'setRelProperty', 'removeRelProperty', 'createIndex', 'dropIndex', 'createConstraint', 'dropConstraint',
] as const satisfies readonly TxOp['op'][];
const INDEX_KINDS = ['RANGE', 'LOOKUP', 'TEXT', 'POINT', 'FULLTEXT', 'VECTOR'] as const satisfies readonly IndexKind[];
const CONSTRAINT_KINDS = [
  'UNIQUENESS', 'NODE_KEY', 'NODE_PROPERTY_EXISTENCE', 'RELATIONSHIP_PROPERTY_EXISTENCE',
] as const satisfies readonly ConstraintKind[];
const ENTITIES = ['NODE', 'RELATIONSHIP'] as const;

export function encodeTxCommand(command: TxCommand): Uint8Array {
  const out = new ByteWriter(256);
  writeTxCommand(out, command);
  return out.finish();
}

/** encodeTxCommand's bytes, written after whatever out already holds (a payload's kind byte) */
export function writeTxCommand(out: ByteWriter, command: TxCommand): void {
  out.u8(command.version).varint(command.leaseId).varint(command.ops.length);
  for (const op of command.ops) {
    out.u8(OP_CODES.indexOf(op.op));
    switch (op.op) {
      case 'createNode':
        out.u64(op.id);
        writeStrings(out, op.labels);
        writeProperties(out, op.properties);
        break;
      case 'deleteNode':
      case 'deleteRel':
        out.u64(op.id);
        break;
      case 'addLabel':
      case 'removeLabel':
        out.u64(op.id).string(op.label);
        break;
      case 'setNodeProperty':
      case 'setRelProperty':
        out.u64(op.id).string(op.key);
        writeValue(out, op.value);
        break;
      case 'removeNodeProperty':
      case 'removeRelProperty':
        out.u64(op.id).string(op.key);
        break;
      case 'createRel':
        out.u64(op.id).string(op.type).u64(op.startId).u64(op.endId);
        writeProperties(out, op.properties);
        break;
      case 'createIndex':
        writeIndex(out, op.index);
        break;
      case 'dropIndex':
      case 'dropConstraint':
        out.string(op.name);
        break;
      case 'createConstraint':
        writeConstraint(out, op.constraint);
        if (op.index === undefined) out.u8(0);
        else writeIndex(out.u8(1), op.index);
        break;
    }
  }
}

/** Throws RangeError on bytes that are not a command of a known version. */
export function decodeTxCommand(bytes: Uint8Array): TxCommand {
  const input = new ByteReader(bytes);
  const version = input.u8();
  if (version !== TX_COMMAND_VERSION) throw new RangeError(`unknown tx command version ${version}`);
  const leaseId = input.varint();
  const count = input.varint();
  if (count > input.remaining) throw new RangeError('more ops than bytes');
  const ops: TxOp[] = [];
  for (let i = 0; i < count; i++) ops.push(readOp(input));
  if (input.remaining !== 0) throw new RangeError(`${input.remaining} trailing bytes after tx command`);
  return { version, leaseId, ops };
}

function readOp(input: ByteReader): TxOp {
  const code = OP_CODES[input.u8()];
  switch (code) {
    case 'createNode':
      return { op: code, id: input.u64(), labels: readStrings(input), properties: readProperties(input) };
    case 'deleteNode':
    case 'deleteRel':
      return { op: code, id: input.u64() };
    case 'addLabel':
    case 'removeLabel':
      return { op: code, id: input.u64(), label: input.string() };
    case 'setNodeProperty':
    case 'setRelProperty':
      return { op: code, id: input.u64(), key: input.string(), value: readValue(input) };
    case 'removeNodeProperty':
    case 'removeRelProperty':
      return { op: code, id: input.u64(), key: input.string() };
    case 'createRel':
      return { op: code, id: input.u64(), type: input.string(), startId: input.u64(), endId: input.u64(), properties: readProperties(input) };
    case 'createIndex':
      return { op: code, index: readIndex(input) };
    case 'dropIndex':
    case 'dropConstraint':
      return { op: code, name: input.string() };
    case 'createConstraint': {
      const constraint = readConstraint(input);
      return input.u8() === 0 ? { op: code, constraint } : { op: code, constraint, index: readIndex(input) };
    }
    default:
      throw new RangeError('unknown tx op code');
  }
}

function writeStrings(out: ByteWriter, strings: readonly string[]): void {
  out.varint(strings.length);
  for (const value of strings) out.string(value);
}
function readStrings(input: ByteReader): string[] {
  const count = input.varint();
  if (count > input.remaining) throw new RangeError('more strings than bytes');
  const strings: string[] = [];
  for (let i = 0; i < count; i++) strings.push(input.string());
  return strings;
}

export function writeProperties(out: ByteWriter, properties: Iterable<Property>): void {
  const list = [...properties];
  out.varint(list.length);
  for (const [key, value] of list) {
    out.string(key);
    writeValue(out, value);
  }
}
export function readProperties(input: ByteReader): Property[] {
  const count = input.varint();
  if (count > input.remaining) throw new RangeError('more properties than bytes');
  const properties: Property[] = [];
  for (let i = 0; i < count; i++) properties.push([input.string(), readValue(input)]);
  return properties;
}

export function writeIndex(out: ByteWriter, index: IndexDescriptor): void {
  out.string(index.name).u8(INDEX_KINDS.indexOf(index.kind)).u8(ENTITIES.indexOf(index.entity)).string(index.labelOrType);
  writeStrings(out, index.properties);
  // One flag byte says which optional parts follow; records written before labelsOrTypes and
  // config existed hold 0 or 1 here and read back unchanged.
  const flags = (index.owningConstraint !== undefined ? INDEX_OWNED : 0) | (index.labelsOrTypes !== undefined ? INDEX_LABELS : 0) |
    (index.config !== undefined ? INDEX_CONFIG : 0);
  out.u8(flags);
  if (index.owningConstraint !== undefined) out.string(index.owningConstraint);
  if (index.labelsOrTypes !== undefined) writeStrings(out, index.labelsOrTypes);
  if (index.config !== undefined) writeIndexConfig(out, index.config);
}

const INDEX_OWNED = 1;
const INDEX_LABELS = 2;
const INDEX_CONFIG = 4;

function writeIndexConfig(out: ByteWriter, config: IndexConfig): void {
  const entries = Object.entries(config).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  out.varint(entries.length);
  for (const [key, value] of entries) {
    out.string(key);
    if (typeof value === 'string') out.u8(0).string(value);
    else if (typeof value === 'number') out.u8(1).f64(value);
    else out.u8(2).u8(value ? 1 : 0);
  }
}
function readIndexConfig(input: ByteReader): IndexConfig {
  const count = input.varint();
  if (count > input.remaining) throw new RangeError('more config entries than bytes');
  const config: Record<string, string | number | boolean> = {};
  for (let i = 0; i < count; i++) {
    const key = input.string();
    const type = input.u8();
    let value: string | number | boolean;
    if (type === 0) value = input.string();
    else if (type === 1) value = input.f64();
    else if (type === 2) value = input.u8() === 1;
    else throw new RangeError(`unknown index config value type ${type}`);
    // an own property whatever the key: `config['__proto__'] = …` would set the prototype instead
    Object.defineProperty(config, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return config;
}
export function readIndex(input: ByteReader): IndexDescriptor {
  const name = input.string();
  const kind = known(INDEX_KINDS, input.u8());
  const entity = known(ENTITIES, input.u8());
  const labelOrType = input.string();
  const properties = readStrings(input);
  const flags = input.u8();
  if (flags > (INDEX_OWNED | INDEX_LABELS | INDEX_CONFIG)) throw new RangeError(`unknown index flags ${flags}`);
  return {
    name, kind, entity, labelOrType, properties,
    ...(flags & INDEX_OWNED ? { owningConstraint: input.string() } : {}),
    ...(flags & INDEX_LABELS ? { labelsOrTypes: readStrings(input) } : {}),
    ...(flags & INDEX_CONFIG ? { config: readIndexConfig(input) } : {}),
  };
}

export function writeConstraint(out: ByteWriter, constraint: ConstraintDescriptor): void {
  out.string(constraint.name).u8(CONSTRAINT_KINDS.indexOf(constraint.kind)).u8(ENTITIES.indexOf(constraint.entity));
  out.string(constraint.labelOrType);
  writeStrings(out, constraint.properties);
}
export function readConstraint(input: ByteReader): ConstraintDescriptor {
  const name = input.string();
  const kind = known(CONSTRAINT_KINDS, input.u8());
  const entity = known(ENTITIES, input.u8());
  return { name, kind, entity, labelOrType: input.string(), properties: readStrings(input) };
}

function known<T>(table: readonly T[], code: number): T {
  const value = table[code];
  if (value === undefined) throw new RangeError(`unknown code ${code}`);
  return value;
}
