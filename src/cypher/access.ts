// What a statement may do, found from its AST before it runs (src/execution/api.ts
// StatementAccess): the server checks the user's privileges against it. Tokens are the labels,
// relationship types and property keys a writing clause names; map parameters and computed maps
// are reported as dynamic (the server looks at the parameter's keys or asks for name management).

import type { StatementAccess, ProcedureSignature } from '../execution/api.js';
import type { Statement } from './ast/index.js';
import { forEachAstNode } from './runtime/ast-walk.js';

type Node = { kind: unknown; [key: string]: unknown };

const WRITING = new Set(['Create', 'Merge', 'Set', 'Remove', 'Delete', 'Foreach']);
const GRAPH_READING = new Set(['Match', 'NodePattern', 'RelationshipPattern', 'PatternComprehension', 'ExistsSubquery', 'CountSubquery', 'CollectSubquery', 'Merge']);

export function statementAccess(statement: Statement, procedures: ReadonlyMap<string, ProcedureSignature>): StatementAccess {
  return { ...bodyAccess(statement, procedures), use: statement.use };
}

function bodyAccess(statement: Statement, procedures: ReadonlyMap<string, ProcedureSignature>): StatementAccess {
  const body = statement.body;
  const noTokens = { labels: [], types: [], propertyKeys: [], dynamicKeys: false };
  if (body.kind === 'AdminCommand') {
    return { kind: 'admin', readsGraph: false, procedures: [], tokens: noTokens, adminCommand: body.command };
  }
  if (body.kind === 'Show') return { kind: 'show', readsGraph: false, procedures: [], tokens: noTokens };
  if (body.kind !== 'SingleQuery' && body.kind !== 'UnionQuery') {
    const schemaObject = body.kind === 'CreateIndex' || body.kind === 'DropIndex' ? 'index' : 'constraint';
    return { kind: 'schema', readsGraph: false, schemaObject, procedures: [], tokens: noTokens };
  }
  let writes = false;
  let readsGraph = false;
  const called: { name: string; mode: ProcedureSignature['mode'] }[] = [];
  const labels = new Set<string>();
  const types = new Set<string>();
  const keys = new Set<string>();
  const keyParameters: string[] = [];
  let dynamicKeys = false;
  const mapKeys = (value: unknown): void => {
    const v = value as Node | null;
    if (!v) return;
    if (v.kind === 'MapLiteral') for (const entry of v['entries'] as { key: string }[]) keys.add(entry.key);
    else if (v.kind === 'Parameter') keyParameters.push(v['name'] as string);
    else dynamicKeys = true;
  };
  let dynamicLabels = false;
  let dynamicTypes = false;
  const writtenPattern = (pattern: unknown): void => forEachAstNode(pattern, (n: Node) => {
    if (n.kind === 'NodePattern') {
      for (const label of n['labels'] as string[]) labels.add(label);
      if (n['dynamicLabels'] !== undefined) dynamicLabels = true;
      mapKeys(n['properties']);
    } else if (n.kind === 'RelationshipPattern') {
      for (const type of n['types'] as string[]) types.add(type);
      if (n['dynamicType'] !== undefined) dynamicTypes = true;
      mapKeys(n['properties']);
    }
  });
  forEachAstNode(body, (n: Node) => {
    if (WRITING.has(n.kind as string)) writes = true;
    if (GRAPH_READING.has(n.kind as string)) readsGraph = true;
    switch (n.kind) {
      case 'Create': writtenPattern(n['pattern']); break;
      case 'Merge': writtenPattern(n['pattern']); break;
      case 'SetProperty': keys.add((n['property'] as { key: string }).key); break;
      case 'SetLabels':
        for (const label of n['labels'] as string[]) labels.add(label);
        if (n['dynamicLabels'] !== undefined) dynamicLabels = true;
        break;
      case 'SetAllProperties': case 'MergeProperties': mapKeys(n['value']); break;
      case 'CallProcedure': {
        const name = n['name'] as string;
        const procedure = procedures.get(name) ?? procedures.get(name.toLowerCase());
        called.push({ name, mode: procedure?.mode ?? 'READ' });
        break;
      }
      default: break;
    }
  });
  if (called.some((p) => p.mode === 'WRITE')) writes = true;
  if (called.some((p) => p.mode === 'READ' && !p.name.toLowerCase().startsWith('dbms.') && p.name.toLowerCase() !== 'db.ping')) readsGraph = true;
  return {
    kind: writes ? 'write' : 'read', readsGraph, procedures: called,
    tokens: { labels: [...labels], types: [...types], propertyKeys: [...keys], dynamicKeys, keyParameters, dynamicLabels, dynamicTypes },
  };
}
