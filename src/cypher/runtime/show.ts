// SHOW INDEXES / CONSTRAINTS / PROCEDURES / FUNCTIONS with YIELD, WHERE and RETURN; SHOW and
// TERMINATE TRANSACTIONS when the server registers their source.

import { Neo4jError, Status, notSupported } from '../../core/errors.js';
import type { Expression, ShowCommand } from '../ast/index.js';
import type { ProcedureSignature } from '../../execution/api.js';
import { isAggregateName } from '../functions/index.js';
import { FUNCTION_COLUMNS, FUNCTION_DEFAULTS, PROCEDURE_COLUMNS, PROCEDURE_DEFAULTS, functionRows, procedureRows } from '../procedures/catalogue.js';
import {
  CONSTRAINT_COLUMNS, CONSTRAINT_EXTRA_COLUMNS, INDEX_COLUMNS, INDEX_EXTRA_COLUMNS, constraintRows, indexRows,
} from '../procedures/schema-rows.js';
import type { CypherValue } from '../../values/value.js';
import { type ExecContext, type Row, withoutPausing } from './context.js';
import { compileExpression, truthy } from './expressions.js';
import { children, compileProjection } from './projection.js';
import type { SchemaPlan } from './schema.js';

/** Rows for one SHOW target; the server may register its own (e.g. DATABASES with cluster roles). */
export interface ShowSource {
  readonly defaults: readonly string[];
  readonly all: readonly string[];
  /** `ids`: the evaluated ids of `SHOW TRANSACTIONS 'a', 'b'` / `TERMINATE TRANSACTIONS …` (null: none given) */
  rows(ctx: ExecContext, cmd: ShowCommand, ids: readonly string[] | null): Map<string, CypherValue>[];
}

/** SHOW DATABASES' columns (Neo4j 5), shared by every source of its rows */
export const DATABASE_COLUMNS: readonly string[] = ['name', 'type', 'aliases', 'access', 'address', 'role', 'writer', 'requestedStatus', 'currentStatus', 'statusMessage', 'default', 'home', 'constituents'];

/** A standalone server's databases: the default one and system, both online and writable. */
export function standaloneDatabases(defaultDatabase: string, boltAddress: string): ShowSource {
  const row = (name: string, type: string): Map<string, CypherValue> => new Map<string, CypherValue>([
    ['name', name], ['type', type], ['aliases', []], ['access', 'read-write'], ['address', boltAddress], ['role', 'primary'],
    ['writer', true], ['requestedStatus', 'online'], ['currentStatus', 'online'], ['statusMessage', ''],
    ['default', name === defaultDatabase], ['home', name === defaultDatabase], ['constituents', []],
  ]);
  return {
    defaults: DATABASE_COLUMNS, all: DATABASE_COLUMNS,
    rows: (_ctx, cmd) => {
      const all = [row(defaultDatabase, 'standard'), row('system', 'system')];
      if (cmd.target === 'DEFAULT DATABASE' || cmd.target === 'HOME DATABASE') return all.filter((r) => r.get('default') === true);
      if (cmd.target === 'DATABASE' && cmd.name !== null) return all.filter((r) => r.get('name') === cmd.name);
      return all;
    },
  };
}

type Source = { defaults: readonly string[]; all: readonly string[]; rows(ctx: ExecContext): Map<string, CypherValue>[] };

/** The ids after SHOW / TERMINATE TRANSACTIONS: strings, or expressions giving a string or a list of strings. */
function compileIds(cmd: ShowCommand): ((ctx: ExecContext) => string[]) | null {
  if (cmd.ids.length === 0) return null;
  const evaluators = cmd.ids.map((e) => compileExpression(e));
  return (ctx) => {
    const ids: string[] = [];
    for (const evaluate of evaluators) {
      const value = evaluate({}, ctx);
      const items = Array.isArray(value) ? value : [value];
      for (const item of items) {
        if (typeof item !== 'string') {
          throw new Neo4jError(Status.TypeError, `Expected a string or a list of strings as transaction id, got: ${item === null ? 'null' : typeof item}`);
        }
        ids.push(item);
      }
    }
    return ids;
  };
}

function source(cmd: ShowCommand, procedures: () => ProcedureSignature[], extra: ReadonlyMap<string, ShowSource>): Source {
  const filter = cmd.filter;
  // SHOW ROLES WITH USERS and SHOW … PRIVILEGES AS COMMANDS have their own columns: their own source.
  const key = `${cmd.target}${cmd.withUsers ? ' WITH USERS' : ''}${cmd.asCommands ? ' AS COMMANDS' : ''}`;
  const registered = extra.get(key) ?? (cmd.target.endsWith('DATABASE') ? extra.get('DATABASES') : undefined);
  if (registered) {
    const ids = compileIds(cmd);
    return { defaults: registered.defaults, all: registered.all, rows: (ctx) => registered.rows(ctx, cmd, ids ? ids(ctx) : null) };
  }
  if (cmd.target === 'TRANSACTIONS' || cmd.target === 'TERMINATE TRANSACTIONS') {
    throw notSupported(cmd.target === 'TRANSACTIONS' ? 'SHOW TRANSACTIONS without a server' : 'TERMINATE TRANSACTIONS without a server');
  }
  switch (cmd.target) {
    case 'INDEXES': return {
      defaults: INDEX_COLUMNS, all: [...INDEX_COLUMNS, ...INDEX_EXTRA_COLUMNS],
      rows: (ctx) => indexRows(ctx.tx).filter((r) => !filter || filter === 'ALL' || r.get('type') === filter || (filter === 'BTREE' && r.get('type') === 'RANGE')),
    };
    case 'CONSTRAINTS': return {
      defaults: CONSTRAINT_COLUMNS, all: [...CONSTRAINT_COLUMNS, ...CONSTRAINT_EXTRA_COLUMNS],
      rows: (ctx) => constraintRows(ctx.tx).filter((r) => {
        if (!filter || filter === 'ALL') return true;
        const t = String(r.get('type'));
        if (filter === 'UNIQUE' || filter === 'UNIQUENESS') return t === 'UNIQUENESS';
        if (filter.includes('KEY')) return t === 'NODE_KEY';
        return t.includes('EXISTENCE');
      }),
    };
    case 'PROCEDURES': return { defaults: PROCEDURE_DEFAULTS, all: PROCEDURE_COLUMNS, rows: () => procedureRows(procedures()) };
    case 'FUNCTIONS': return {
      defaults: FUNCTION_DEFAULTS, all: FUNCTION_COLUMNS,
      rows: () => functionRows().filter((r: Map<string, CypherValue>) => filter === null || (filter === 'BUILT IN') === (r.get('isBuiltIn') === true) || filter === 'ALL'),
    };
    default: throw notSupported(`SHOW ${cmd.target}`);
  }
}

export function compileShow(cmd: ShowCommand, procedures: () => ProcedureSignature[], extra: ReadonlyMap<string, ShowSource>): SchemaPlan {
  const src = source(cmd, procedures, extra);
  const yields = cmd.yieldItems;
  let columns: readonly string[] = cmd.yieldStar ? src.all : yields ? yields.map((y) => y.alias ?? y.field) : src.defaults;
  const yieldOrder = cmd.yieldProjection
    ? compileProjection({ ...cmd.yieldProjection, star: true, items: [] }, { columns, starVariables: [...columns].sort() }, new Set(), '', null, columns)
    : null;
  const where = cmd.where ? compileExpression(cmd.where) : null;
  let ret = null;
  if (cmd.returnClause) {
    const p = cmd.returnClause.projection;
    const aggs = new Set<Expression>();
    const visit = (e: Expression): void => {
      if (e.kind === 'CountStar' || (e.kind === 'FunctionCall' && isAggregateName(e.name))) { aggs.add(e); return; }
      for (const c of children(e)) visit(c);
    };
    p.items.forEach((i) => visit(i.expression));
    ret = compileProjection(p, undefined, aggs, '', null, columns);
    columns = ret.columns;
  }
  return {
    columns,
    async run(ctx) {
      let rows: Row[] = src.rows(ctx).map((m) => {
        const r: Row = {};
        if (yields) for (const y of yields) r[y.alias ?? y.field] = m.get(y.field) ?? null;
        else for (const c of src.all) r[c] = m.get(c) ?? null;
        return r;
      });
      if (yieldOrder) rows = withoutPausing(ctx, () => [...yieldOrder.run(rows, ctx)]);
      if (where) rows = rows.filter((r) => truthy(where(r, ctx)) === true);
      if (ret) rows = withoutPausing(ctx, () => [...ret.run(rows, ctx)]);
      return { columns, rows };
    },
  };
}
