// Schema commands: CREATE/DROP INDEX and CONSTRAINT in both the 3.5 and 5.x spellings.

import { Neo4jError, Status, notSupported } from '../../core/errors.js';
import type { ConstraintDescriptor, ConstraintKind, GraphRead, IndexConfig, IndexDescriptor, IndexKind } from '../../graph/api.js';
import type { CypherValue } from '../../values/value.js';
import { compileExpression } from './expressions.js';
import type { ConstraintType, IndexType, SchemaCommand, SchemaTarget } from '../ast/index.js';
import type { ExecContext, Row } from './context.js';
import { DEFAULT_LOOKUP_INDEXES, defaultLookupIndex, schemaRuleId } from '../procedures/schema-rows.js';

export interface SchemaPlan {
  readonly columns: readonly string[];
  run(ctx: ExecContext): Promise<{ columns: readonly string[]; rows: Row[] }>;
}

/** FNV-1a over the rule's description: the generated name is stable for the same rule. */
function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

function indexKind(t: IndexType): IndexKind {
  switch (t) {
    case 'RANGE': case 'BTREE': return 'RANGE';
    case 'TEXT': case 'POINT': case 'LOOKUP': case 'FULLTEXT': case 'VECTOR': return t;
  }
}

const FULLTEXT_KEYS = new Set(['fulltext.analyzer', 'fulltext.eventually_consistent']);
const VECTOR_KEYS = new Set(['vector.dimensions', 'vector.similarity_function', 'vector.quantization.enabled', 'vector.hnsw.m', 'vector.hnsw.ef_construction']);

/**
 * The indexConfig of `OPTIONS {indexConfig: {...}, indexProvider: ...}` for a FULLTEXT or VECTOR
 * index, checked key by key (the graph layer checks the values when the index is created).
 */
export function searchIndexConfig(kind: IndexKind, options: CypherValue): IndexConfig | undefined {
  if (kind !== 'FULLTEXT' && kind !== 'VECTOR') return undefined;
  const config: Record<string, string | number | boolean> = {};
  if (options === null) return config;
  if (!(options instanceof Map)) throw new Neo4jError(Status.InvalidArguments, `Could not create index with specified options: expected a map, got ${String(options)}.`);
  for (const key of options.keys()) {
    if (key !== 'indexConfig' && key !== 'indexProvider') {
      throw new Neo4jError(Status.InvalidArguments, `Failed to create index: Invalid option provided, valid options are \`indexProvider\` and \`indexConfig\`.`);
    }
  }
  const raw = options.get('indexConfig') ?? null;
  if (raw === null) return config;
  if (!(raw instanceof Map)) throw new Neo4jError(Status.InvalidArguments, 'Could not create index with specified index config: indexConfig must be a map.');
  const allowed = kind === 'FULLTEXT' ? FULLTEXT_KEYS : VECTOR_KEYS;
  for (const [key, value] of raw) {
    if (!allowed.has(key)) {
      throw new Neo4jError(Status.InvalidArguments,
        `Invalid index config key '${key}' for a ${kind.toLowerCase()} index; valid keys: ${[...allowed].join(', ')}.`);
    }
    if (typeof value === 'bigint') config[key] = Number(value);
    else if (typeof value === 'number' || typeof value === 'boolean') config[key] = value;
    else if (typeof value === 'string') config[key] = key === 'vector.similarity_function' ? value.toUpperCase() : value;
    else throw new Neo4jError(Status.InvalidArguments, `Invalid value for index config '${key}': ${String(value)}.`);
  }
  return config;
}

function constraintKind(t: ConstraintType, target: SchemaTarget): ConstraintKind {
  switch (t) {
    case 'UNIQUE': return 'UNIQUENESS';
    case 'NODE_KEY': return 'NODE_KEY';
    case 'NOT_NULL': return target.entity === 'node' ? 'NODE_PROPERTY_EXISTENCE' : 'RELATIONSHIP_PROPERTY_EXISTENCE';
    case 'RELATIONSHIP_KEY': throw notSupported('Relationship key constraints');
    case 'PROPERTY_TYPE': throw notSupported('Property type constraints');
  }
}

function sameProps(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function findIndex(g: GraphRead, kind: IndexKind, entity: 'NODE' | 'RELATIONSHIP', labelOrType: string, props: readonly string[]): IndexDescriptor | undefined {
  return g.indexes().find((i) => i.kind === kind && i.entity === entity && i.labelOrType === labelOrType && sameProps(i.properties, props));
}

function findConstraint(g: GraphRead, kind: ConstraintKind, labelOrType: string, props: readonly string[]): ConstraintDescriptor | undefined {
  return g.constraints().find((c) => c.kind === kind && c.labelOrType === labelOrType && sameProps(c.properties, props));
}

const done = async (): Promise<{ columns: readonly string[]; rows: Row[] }> => ({ columns: [], rows: [] });

export function compileSchemaCommand(cmd: SchemaCommand): SchemaPlan {
  switch (cmd.kind) {
    case 'CreateIndex': {
      const kind = indexKind(cmd.indexType);
      const entity = cmd.target.entity === 'node' ? 'NODE' : 'RELATIONSHIP';
      const { labelOrType, properties } = cmd.target;
      const options = cmd.options === null ? null : compileExpression(cmd.options);
      const labelsOrTypes = cmd.extraLabelsOrTypes.length > 0 ? [labelOrType, ...cmd.extraLabelsOrTypes] : undefined;
      return {
        columns: [],
        run: async (ctx) => {
          const config = searchIndexConfig(kind, options === null ? null : options({}, ctx));
          const existing = findIndex(ctx.tx, kind, entity, labelOrType, properties) ?? (kind === 'LOOKUP' ? defaultLookupIndex(ctx.tx, entity) : undefined);
          if (existing && existing.kind === 'LOOKUP' && !cmd.ifNotExists) {
            throw new Neo4jError(Status.EquivalentSchemaRuleAlreadyExists,
              `An equivalent index already exists, 'Index( id=${schemaRuleId(existing.name)}, name='${existing.name}', type='LOOKUP', indexProvider='token-lookup-1.0' )'.`);
          }
          const name = cmd.name ?? `index_${shortHash(`${kind}:${entity}:${labelOrType}:${properties.join(',')}`)}`;
          if (cmd.ifNotExists && (existing || ctx.tx.indexes().some((i) => i.name === name) || ctx.tx.constraints().some((c) => c.name === name))) return done();
          ctx.tx.createIndex({
            name, kind, entity, labelOrType, properties,
            ...(labelsOrTypes !== undefined ? { labelsOrTypes } : {}), ...(config !== undefined ? { config } : {}),
          });
          return done();
        },
      };
    }
    case 'DropIndex': {
      return {
        columns: [],
        run: async (ctx) => {
          let name = cmd.name;
          if (cmd.legacy) {
            const t = cmd.legacy;
            const found = findIndex(ctx.tx, 'RANGE', t.entity === 'node' ? 'NODE' : 'RELATIONSHIP', t.labelOrType, t.properties);
            if (!found) throw new Neo4jError(Status.IndexNotFound, `Unable to drop index on :${t.labelOrType}(${t.properties.join(', ')}). There is no such index.`);
            name = found.name;
          }
          if (name === null) throw new Neo4jError(Status.SyntaxError, 'DROP INDEX needs a name');
          if (DEFAULT_LOOKUP_INDEXES.some((i) => i.name === name) && !ctx.tx.indexes().some((i) => i.name === name)) {
            throw new Neo4jError(Status.FeatureNotSupported,
              `Unable to drop index called \`${name}\`: it is one of the two token lookup indexes every Causeway database has, which cannot be dropped.`);
          }
          if (!ctx.tx.indexes().some((i) => i.name === name)) {
            if (cmd.ifExists) return done();
            throw new Neo4jError(Status.IndexNotFound, `Unable to drop index called \`${name}\`. There is no such index.`);
          }
          ctx.tx.dropIndex(name);
          return done();
        },
      };
    }
    case 'CreateConstraint': {
      const kind = constraintKind(cmd.constraintType, cmd.target);
      const entity = cmd.target.entity === 'node' ? 'NODE' : 'RELATIONSHIP';
      const { labelOrType, properties } = cmd.target;
      return {
        columns: [],
        run: async (ctx) => {
          const existing = findConstraint(ctx.tx, kind, labelOrType, properties);
          const name = cmd.name ?? `constraint_${shortHash(`${kind}:${entity}:${labelOrType}:${properties.join(',')}`)}`;
          if (cmd.ifNotExists && (existing || ctx.tx.constraints().some((c) => c.name === name) || ctx.tx.indexes().some((i) => i.name === name))) return done();
          ctx.tx.createConstraint({ name, kind, entity, labelOrType, properties });
          return done();
        },
      };
    }
    case 'DropConstraint': {
      return {
        columns: [],
        run: async (ctx) => {
          let name = cmd.name;
          if (cmd.legacy) {
            const { constraintType, target } = cmd.legacy;
            const found = findConstraint(ctx.tx, constraintKind(constraintType, target), target.labelOrType, target.properties);
            if (!found) throw new Neo4jError(Status.ConstraintNotFound, `No such constraint on :${target.labelOrType}(${target.properties.join(', ')}).`);
            name = found.name;
          }
          if (name === null) throw new Neo4jError(Status.SyntaxError, 'DROP CONSTRAINT needs a name');
          if (!ctx.tx.constraints().some((c) => c.name === name)) {
            if (cmd.ifExists) return done();
            throw new Neo4jError(Status.ConstraintNotFound, `Unable to drop constraint \`${name}\`: No such constraint ${name}.`);
          }
          ctx.tx.dropConstraint(name);
          return done();
        },
      };
    }
  }
}
