// The rows of SHOW PROCEDURES / SHOW FUNCTIONS (and dbms.procedures / dbms.functions) with
// Neo4j 5's columns. Procedures carry typed signatures; functions are registered with their
// arities only, so their signatures name arguments by position and type them ANY.

import type { ProcedureSignature } from '../../execution/api.js';
import { allFunctions } from '../functions/index.js';
import { scalarToString } from '../../values/format.js';
import type { CypherValue } from '../../values/value.js';

export const PROCEDURE_DEFAULTS = ['name', 'description', 'mode', 'worksOnSystem'];
export const PROCEDURE_COLUMNS = [
  ...PROCEDURE_DEFAULTS, 'signature', 'argumentDescription', 'returnDescription', 'admin', 'rolesExecution', 'rolesBoostedExecution',
  'isDeprecated', 'deprecatedBy', 'option',
];
export const FUNCTION_DEFAULTS = ['name', 'category', 'description'];
export const FUNCTION_COLUMNS = [
  ...FUNCTION_DEFAULTS, 'signature', 'isBuiltIn', 'argumentDescription', 'returnDescription', 'aggregating', 'rolesExecution',
  'rolesBoostedExecution', 'isDeprecated', 'deprecatedBy',
];

function map(entries: Record<string, CypherValue>): Map<string, CypherValue> {
  return new Map(Object.entries(entries));
}

export function signatureText(p: ProcedureSignature): string {
  const ins = p.inputs.map((i) => `${i.name} :: ${i.type}${i.default !== undefined ? ` = ${i.default === null ? 'null' : scalarToString(i.default)}` : ''}`).join(', ');
  const outs = p.outputs.length ? p.outputs.map((o) => `${o.name} :: ${o.type}`).join(', ') : 'VOID';
  return `${p.name}(${ins}) :: (${outs})`;
}

/** Procedures in the 'db' / 'dbms' namespaces come with Neo4j; others (apoc.*, tx.*) are Causeway's stand-ins for plugins. */
function builtIn(name: string): boolean {
  return name.startsWith('db.') || name.startsWith('dbms.') || name.startsWith('tx.');
}

export function procedureRows(procedures: readonly ProcedureSignature[]): Map<string, CypherValue>[] {
  return procedures.map((p) => map({
    name: p.name, description: p.description, mode: p.mode, worksOnSystem: p.mode === 'DBMS',
    signature: signatureText(p),
    argumentDescription: p.inputs.map((i) => map({
      name: i.name, type: i.type, description: `${i.name} :: ${i.type}`, isDeprecated: false,
      ...(i.default !== undefined ? { default: `DefaultParameterValue{value=${i.default === null ? 'null' : scalarToString(i.default)}, type=${i.type}}` } : {}),
    })),
    returnDescription: p.outputs.map((o) => map({ name: o.name, type: o.type, description: `${o.name} :: ${o.type}`, isDeprecated: false })),
    admin: false, rolesExecution: null, rolesBoostedExecution: null, isDeprecated: false, deprecatedBy: null,
    option: map({ deprecated: false, builtIn: builtIn(p.name) }),
  }));
}

function argumentNames(minArgs: number, maxArgs: number): { name: string; optional: boolean; variadic: boolean }[] {
  const count = Number.isFinite(maxArgs) ? maxArgs : Math.max(minArgs, 1);
  return Array.from({ length: count }, (_, i) => ({
    name: count === 1 ? 'input' : `arg${i + 1}`, optional: i >= minArgs, variadic: !Number.isFinite(maxArgs) && i === count - 1,
  }));
}

/** Functions the planner uses internally (their names cannot be written in Cypher) are not listed. */
function callable(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_.]*$/.test(name);
}

export function functionRows(): Map<string, CypherValue>[] {
  return allFunctions().filter((f) => callable(f.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((f) => {
    const args = argumentNames(f.minArgs, f.maxArgs);
    const signature = `${f.name}(${args.map((a) => `${a.name} :: ${a.variadic ? 'LIST<ANY>' : 'ANY'}${a.optional ? ' = null' : ''}`).join(', ')}) :: ANY`;
    return map({
      name: f.name, category: f.aggregating ? 'Aggregating' : f.name.startsWith('apoc.') ? 'APOC' : 'Scalar', description: '',
      signature, isBuiltIn: !f.name.startsWith('apoc.'),
      argumentDescription: args.map((a) => map({ name: a.name, type: a.variadic ? 'LIST<ANY>' : 'ANY', description: `${a.name} :: ANY`, isDeprecated: false })),
      returnDescription: 'ANY', aggregating: f.aggregating, rolesExecution: null, rolesBoostedExecution: null, isDeprecated: false, deprecatedBy: null,
    });
  });
}
