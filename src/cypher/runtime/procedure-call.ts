// CALL proc(args) [YIELD …] [WHERE …]: resolves the procedure at run time (the registry may grow
// after a statement is cached) and maps its output rows onto named columns.

import { Neo4jError, Status, missingParameterError } from '../../core/errors.js';
import type { CallProcedureClause } from '../ast/index.js';
import type { ProcedureSignature } from '../../execution/api.js';
import type { CypherValue } from '../../values/value.js';
import type { ExecContext, Row } from './context.js';
import { compileExpression, truthy } from './expressions.js';

export function findProcedure(procedures: ReadonlyMap<string, ProcedureSignature>, name: string): ProcedureSignature {
  const p = procedures.get(name) ?? procedures.get(name.toLowerCase());
  if (!p) {
    throw new Neo4jError(Status.ProcedureNotFound,
      `There is no procedure with the name \`${name}\` registered for this database instance. Please ensure you've spelled the procedure name correctly and that the procedure is properly deployed.`);
  }
  return p;
}

export interface CompiledCall {
  /** Output columns when known at compile time (YIELD given); otherwise resolved per run. */
  readonly columns: readonly string[];
  /** Synchronous unless the procedure itself answers with a promise. */
  run(row: Row, ctx: ExecContext): Row[] | Promise<Row[]>;
}

export function compileProcedureCall(c: CallProcedureClause, procedures: ReadonlyMap<string, ProcedureSignature>): CompiledCall {
  const resolved = findProcedure(procedures, c.name);
  const args = c.args?.map((a) => compileExpression(a)) ?? null;
  const where = c.where ? compileExpression(c.where) : null;
  const yields = c.yieldItems;
  const columns = yields ? yields.map((y) => y.alias ?? y.field) : resolved.outputs.map((o) => o.name);
  return {
    columns,
    run(row, ctx) {
      const proc = findProcedure(ctx.procedures, c.name);
      let values: CypherValue[];
      if (args === null) {
        values = proc.inputs.map((i) => {
          const v = ctx.params.get(i.name);
          if (v !== undefined) return v;
          if (i.default !== undefined) return i.default;
          throw missingParameterError([i.name]);
        });
      } else {
        values = args.map((a) => a(row, ctx));
        if (values.length > proc.inputs.length) {
          throw new Neo4jError(Status.SyntaxError, `Procedure call provides too many arguments: got ${values.length} expected no more than ${proc.inputs.length}`);
        }
        for (let i = values.length; i < proc.inputs.length; i++) {
          const d = proc.inputs[i]!.default;
          if (d === undefined) {
            throw new Neo4jError(Status.SyntaxError, `Procedure call does not provide the required number of arguments: got ${values.length} expected at least ${proc.inputs.filter((x) => x.default === undefined).length}`);
          }
          values.push(d);
        }
      }
      const outNames = proc.outputs.map((o) => o.name);
      const result = proc.invoke(ctx.tx, values, ctx.procedureContext);
      const toRows = (records: Iterable<readonly CypherValue[]>): Row[] => {
        if (outNames.length === 0) return [row]; // a VOID procedure leaves the row stream as it is
        const out: Row[] = [];
        for (const rec of records) {
          const r: Row = { ...row };
          if (yields) {
            for (const y of yields) {
              const idx = outNames.indexOf(y.field);
              if (idx < 0) throw new Neo4jError(Status.SyntaxError, `Unknown procedure output: \`${y.field}\``);
              r[y.alias ?? y.field] = rec[idx] ?? null;
            }
          } else {
            outNames.forEach((n, i) => { r[n] = rec[i] ?? null; });
          }
          if (where && truthy(where(r, ctx)) !== true) continue;
          out.push(r);
        }
        return out;
      };
      return result instanceof Promise ? result.then(toRows) : toRows(result);
    },
  };
}
