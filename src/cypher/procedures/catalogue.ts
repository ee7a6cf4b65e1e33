// The rows of SHOW PROCEDURES / SHOW FUNCTIONS (and dbms.procedures / dbms.functions) with
// Neo4j 5's columns. Procedures carry typed signatures; functions are registered with their
// arities only, so their descriptions and signatures come from function-docs.ts (Neo4j's) and
// apoc-docs.ts (APOC's), and the arguments and return type are read back from the signature.

import type { ProcedureSignature } from '../../execution/api.js';
import { allFunctions } from '../functions/index.js';
import { scalarToString } from '../../values/format.js';
import type { CypherValue } from '../../values/value.js';
import { BUILTIN_FUNCTION_DOCS } from './function-docs.js';
import { APOC_FUNCTION_DOCS, APOC_PROCEDURE_ARGUMENT_DOCS } from './apoc-docs.js';

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
      name: i.name, type: i.type, description: APOC_PROCEDURE_ARGUMENT_DOCS[p.name]?.[i.name] ?? `${i.name} :: ${i.type}`, isDeprecated: false,
      ...(i.default !== undefined ? { default: `DefaultParameterValue{value=${i.default === null ? 'null' : scalarToString(i.default)}, type=${i.type}}` } : {}),
    })),
    returnDescription: p.outputs.map((o) => map({ name: o.name, type: o.type, description: `${o.name} :: ${o.type}`, isDeprecated: false })),
    admin: false, rolesExecution: null, rolesBoostedExecution: null, isDeprecated: false, deprecatedBy: null,
    option: map({ deprecated: false, builtIn: builtIn(p.name) }),
  }));
}

interface FunctionDoc {
  readonly description: string;
  readonly signature: string;
  /** APOC's description of each argument, in order (built-ins describe an argument by its signature) */
  readonly argumentDocs: readonly string[];
}

const FUNCTION_DOCS = new Map<string, FunctionDoc>([
  ...BUILTIN_FUNCTION_DOCS.map(([name, description, signature]) => [name.toLowerCase(), { description, signature, argumentDocs: [] }] as const),
  ...APOC_FUNCTION_DOCS.map(([name, description, signature, argumentDocs]) => [name.toLowerCase(), { description, signature, argumentDocs }] as const),
]);

/** Splits `text` at commas outside <>, (), [] and {}. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if ('<([{'.includes(ch)) depth++;
    if ('>)]}'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current.trim() !== '') parts.push(current);
  return parts;
}

interface SignatureArgument {
  readonly name: string;
  readonly type: string;
  readonly default: string | undefined;
}

/** `f(a :: T, b = d :: U) :: R` → its arguments and return type. */
export function parseFunctionSignature(signature: string): { args: SignatureArgument[]; returns: string } {
  const open = signature.indexOf('(');
  const close = signature.lastIndexOf(') ::');
  const args = splitTopLevel(signature.slice(open + 1, close)).map((part) => {
    const [head, type] = part.split(/ :: /, 2) as [string, string | undefined];
    const eq = head.indexOf('=');
    return {
      name: (eq < 0 ? head : head.slice(0, eq)).trim(),
      type: (type ?? 'ANY').trim(),
      default: eq < 0 ? undefined : head.slice(eq + 1).trim(),
    };
  });
  return { args, returns: signature.slice(close + 4).trim() };
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

/** A function's documentation, or one derived from its arity for a function nobody documented. */
function docOf(f: { name: string; minArgs: number; maxArgs: number }): FunctionDoc {
  const known = FUNCTION_DOCS.get(f.name.toLowerCase());
  if (known) return known;
  const args = argumentNames(f.minArgs, f.maxArgs);
  return {
    description: '', argumentDocs: [],
    signature: `${f.name}(${args.map((a) => `${a.name}${a.optional ? ' = null' : ''} :: ${a.variadic ? 'LIST<ANY>' : 'ANY'}`).join(', ')}) :: ANY`,
  };
}

export function functionRows(): Map<string, CypherValue>[] {
  return allFunctions().filter((f) => callable(f.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((f) => {
    const doc = docOf(f);
    const { args, returns } = parseFunctionSignature(doc.signature);
    return map({
      name: f.name, category: f.aggregating ? 'Aggregating' : f.name.startsWith('apoc.') ? 'APOC' : 'Scalar', description: doc.description,
      signature: doc.signature, isBuiltIn: !f.name.startsWith('apoc.'),
      argumentDescription: args.map((a, i) => map({
        name: a.name, type: a.type, description: doc.argumentDocs[i] || `${a.name} :: ${a.type}`, isDeprecated: false,
        ...(a.default !== undefined ? { default: `DefaultParameterValue{value=${a.default}, type=${a.type}}` } : {}),
      })),
      returnDescription: returns, aggregating: f.aggregating, rolesExecution: null, rolesBoostedExecution: null, isDeprecated: false, deprecatedBy: null,
    });
  });
}
