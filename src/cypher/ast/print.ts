// AST → Cypher text. Output re-parses to an equal AST (spans aside): compound expressions are
// fully parenthesised and names are backtick-quoted when they are not plain identifiers.
// Used for round-trip tests, EXPLAIN output and debugging.

import type { Clause, Projection, SetItem } from './clauses.js';
import type { Expression } from './expressions.js';
import type { NodePattern, PatternPart, RelationshipPattern } from './patterns.js';
import type { Query, SchemaTarget, SingleQuery, Statement, StatementBody } from './statements.js';

const WORDS_NEEDING_QUOTES = new Set([
  'ALL', 'AND', 'ANY', 'AS', 'ASC', 'ASCENDING', 'BY', 'CALL', 'CASE', 'COLLECT', 'CONTAINS', 'COUNT', 'CREATE', 'DELETE', 'DESC',
  'DESCENDING', 'DETACH', 'DISTINCT', 'ELSE', 'END', 'ENDS', 'EXISTS', 'FALSE', 'FOREACH', 'IN', 'IS', 'LIMIT', 'LOAD', 'MATCH',
  'MERGE', 'NONE', 'NOT', 'NULL', 'ON', 'OPTIONAL', 'OR', 'ORDER', 'REDUCE', 'REMOVE', 'RETURN', 'SET', 'SHORTESTPATH',
  'ALLSHORTESTPATHS', 'SINGLE', 'SKIP', 'STARTS', 'THEN', 'TRUE', 'UNION', 'UNWIND', 'USING', 'WHEN', 'WHERE', 'WITH', 'XOR',
  'YIELD', 'OFFSET',
]);

export function printName(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !WORDS_NEEDING_QUOTES.has(name.toUpperCase())) return name;
  return '`' + name.replace(/`/g, '``') + '`';
}

/** Words that start another construct when followed by `(` (CASE, quantifiers, reduce, …). */
const FUNCTION_WORDS_NEEDING_QUOTES = new Set([
  'CASE', 'ANY', 'ALL', 'NONE', 'SINGLE', 'REDUCE', 'EXTRACT', 'FILTER', 'SHORTESTPATH', 'ALLSHORTESTPATHS', 'NOT', 'TRUE',
  'FALSE', 'NULL',
]);

function printFunctionNamePart(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !FUNCTION_WORDS_NEEDING_QUOTES.has(name.toUpperCase())) return name;
  return '`' + name.replace(/`/g, '``') + '`';
}

export function printString(value: string): string {
  let out = "'";
  for (const ch of value) {
    switch (ch) {
      case '\\': out += '\\\\'; break;
      case "'": out += "\\'"; break;
      case '\n': out += '\\n'; break;
      case '\r': out += '\\r'; break;
      case '\t': out += '\\t'; break;
      case '\b': out += '\\b'; break;
      case '\f': out += '\\f'; break;
      default: out += ch;
    }
  }
  return out + "'";
}

function printNumber(v: number): string {
  if (Number.isNaN(v)) return '(0.0 / 0.0)';
  if (!Number.isFinite(v)) return v > 0 ? '(1.0 / 0.0)' : '(-1.0 / 0.0)';
  if (Object.is(v, -0)) return '-0.0';
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

export function printExpression(e: Expression): string {
  const p = printExpression;
  switch (e.kind) {
    case 'Literal':
      if (e.value === null) return 'null';
      if (typeof e.value === 'boolean') return e.value ? 'true' : 'false';
      // Negative literals are parenthesised so `(-5)^2` does not re-parse as `-(5^2)`.
      if (typeof e.value === 'bigint') return e.value < 0n ? `(${e.value})` : e.value.toString();
      if (typeof e.value === 'number') return e.value < 0 || Object.is(e.value, -0) ? `(${printNumber(e.value)})` : printNumber(e.value);
      return printString(e.value);
    case 'Parameter': return `$${/^[0-9]+$/.test(e.name) ? e.name : printName(e.name)}`;
    case 'Variable': return printName(e.name);
    case 'PropertyAccess': return `${p(e.object)}.${printName(e.key)}`;
    case 'Subscript': return `${p(e.object)}[${p(e.index)}]`;
    case 'Slice': return `${p(e.object)}[${e.from ? p(e.from) : ''}..${e.to ? p(e.to) : ''}]`;
    case 'ListLiteral': return `[${e.items.map(p).join(', ')}]`;
    case 'MapLiteral': return `{${e.entries.map((en) => `${printName(en.key)}: ${p(en.value)}`).join(', ')}}`;
    case 'UnaryOp': return e.op === 'NOT' ? `(NOT ${p(e.operand)})` : `(${e.op}${p(e.operand)})`;
    case 'BinaryOp': return `(${p(e.left)} ${e.op} ${p(e.right)})`;
    case 'Comparison': {
      let out = p(e.operands[0]!);
      e.ops.forEach((op, i) => { out += ` ${op} ${p(e.operands[i + 1]!)}`; });
      return `(${out})`;
    }
    case 'IsNull': return `(${p(e.operand)} IS ${e.negated ? 'NOT ' : ''}NULL)`;
    case 'HasLabels': return `(${p(e.subject)}${e.labels.map((l) => ':' + printName(l)).join('')})`;
    case 'Case': {
      let out = 'CASE';
      if (e.test) out += ` ${p(e.test)}`;
      for (const alt of e.alternatives) out += ` WHEN ${p(alt.when)} THEN ${p(alt.then)}`;
      if (e.elseExpr) out += ` ELSE ${p(e.elseExpr)}`;
      return out + ' END';
    }
    case 'ListComprehension':
      return `[${printName(e.variable)} IN ${p(e.list)}${e.where ? ` WHERE ${p(e.where)}` : ''}${e.projection ? ` | ${p(e.projection)}` : ''}]`;
    case 'Quantifier':
      return `${e.quantifier}(${printName(e.variable)} IN ${p(e.list)}${e.where ? ` WHERE ${p(e.where)}` : ''})`;
    case 'Reduce':
      return `reduce(${printName(e.accumulator)} = ${p(e.init)}, ${printName(e.variable)} IN ${p(e.list)} | ${p(e.expression)})`;
    case 'FunctionCall':
      return `${e.name.split('.').map(printFunctionNamePart).join('.')}(${e.distinct ? 'DISTINCT ' : ''}${e.args.map(p).join(', ')})`;
    case 'CountStar': return 'count(*)';
    case 'PatternExpression': return printPatternPart(e.pattern);
    case 'PatternComprehension':
      return `[${printPatternPart(e.pattern)}${e.where ? ` WHERE ${p(e.where)}` : ''} | ${p(e.projection)}]`;
    case 'ExistsSubquery': return `EXISTS { ${printQuery(e.query)} }`;
    case 'CountSubquery': return `COUNT { ${printQuery(e.query)} }`;
    case 'CollectSubquery': return `COLLECT { ${printQuery(e.query)} }`;
    case 'MapProjection': {
      const items = e.items.map((it) => {
        switch (it.kind) {
          case 'PropertySelector': return `.${printName(it.key)}`;
          case 'AllPropertiesSelector': return '.*';
          case 'LiteralEntry': return `${printName(it.key)}: ${p(it.value)}`;
          case 'VariableSelector': return printName(it.name);
        }
      });
      return `${p(e.subject)} {${items.join(', ')}}`;
    }
  }
}

function printNode(n: NodePattern): string {
  let out = '(';
  if (n.variable !== null) out += printName(n.variable);
  out += n.labels.map((l) => ':' + printName(l)).join('');
  out += (n.dynamicLabels ?? []).map((d) => `:$(${printExpression(d)})`).join('');
  if (n.properties) out += ` ${printExpression(n.properties)}`;
  if (n.where) out += ` WHERE ${printExpression(n.where)}`;
  return out + ')';
}

function printRelationship(r: RelationshipPattern): string {
  let inner = '';
  if (r.variable !== null) inner += printName(r.variable);
  if (r.types.length) inner += ':' + r.types.map(printName).join('|');
  if (r.dynamicType) inner += `:$(${printExpression(r.dynamicType)})`;
  if (r.length) {
    const { min, max } = r.length;
    inner += '*';
    if (min !== null && min === max) inner += String(min);
    else if (min !== null || max !== null) inner += `${min ?? ''}..${max ?? ''}`;
  }
  if (r.properties) inner += ` ${printExpression(r.properties)}`;
  if (r.where) inner += ` WHERE ${printExpression(r.where)}`;
  const body = inner ? `[${inner}]` : '';
  return `${r.direction === 'in' ? '<' : ''}-${body}-${r.direction === 'out' ? '>' : ''}`;
}

/** `((x)-[r:T]->(y) WHERE p){m,n}`: the quantifier is printed in GQL form, not as `*m..n`. */
function printGroup(r: RelationshipPattern): string {
  const g = r.group!;
  const { min, max } = r.length ?? { min: 1, max: 1 };
  if (g.inner) {
    let chain = printNode(g.inner.nodes[0]!);
    g.inner.relationships.forEach((ir, i) => { chain += printRelationship(ir) + printNode(g.inner!.nodes[i + 1]!); });
    return `(${chain}${g.where ? ` WHERE ${printExpression(g.where)}` : ''}){${min ?? 0},${max ?? ''}}`;
  }
  const rel = printRelationship({ ...r, length: null, group: undefined });
  return `(${printNode(g.left)}${rel}${printNode(g.right)}${g.where ? ` WHERE ${printExpression(g.where)}` : ''}){${min ?? 0},${max ?? ''}}`;
}

export function printPatternPart(part: PatternPart): string {
  let chain = printNode(part.nodes[0]!);
  part.relationships.forEach((r, i) => { chain += (r.group ? printGroup(r) : printRelationship(r)) + printNode(part.nodes[i + 1]!); });
  if (part.shortest) chain = `${part.shortest === 'all' ? 'allShortestPaths' : 'shortestPath'}(${chain})`;
  if (part.selector) {
    const { kind, count } = part.selector;
    chain = `${kind === 'any' ? `ANY ${count}` : kind === 'shortest' ? `SHORTEST ${count}` : `SHORTEST ${count} GROUPS`} ${chain}`;
  }
  return part.variable !== null ? `${printName(part.variable)} = ${chain}` : chain;
}

function printSetItem(item: SetItem): string {
  switch (item.kind) {
    case 'SetProperty': return `${printExpression(item.property)} = ${printExpression(item.value)}`;
    case 'SetAllProperties': return `${printName(item.variable)} = ${printExpression(item.value)}`;
    case 'MergeProperties': return `${printName(item.variable)} += ${printExpression(item.value)}`;
    case 'SetLabels': return printName(item.variable) + item.labels.map((l) => ':' + printName(l)).join('') + (item.dynamicLabels ?? []).map((d) => `:$(${printExpression(d)})`).join('');
  }
}

function printProjection(pr: Projection): string {
  const items: string[] = [];
  if (pr.star) items.push('*');
  for (const it of pr.items) items.push(it.alias !== null ? `${printExpression(it.expression)} AS ${printName(it.alias)}` : printExpression(it.expression));
  let out = `${pr.distinct ? 'DISTINCT ' : ''}${items.join(', ')}`;
  if (pr.orderBy.length) out += ` ORDER BY ${pr.orderBy.map((s) => printExpression(s.expression) + (s.descending ? ' DESC' : '')).join(', ')}`;
  if (pr.skip) out += ` SKIP ${printExpression(pr.skip)}`;
  if (pr.limit) out += ` LIMIT ${printExpression(pr.limit)}`;
  return out;
}

export function printClause(c: Clause): string {
  switch (c.kind) {
    case 'Match':
      return `${c.optional ? 'OPTIONAL ' : ''}MATCH ${c.pattern.map(printPatternPart).join(', ')}${c.hints.map((h) => ' ' + h).join('')}${c.where ? ` WHERE ${printExpression(c.where)}` : ''}`;
    case 'Create': return `CREATE ${c.pattern.map(printPatternPart).join(', ')}`;
    case 'Merge':
      return `MERGE ${printPatternPart(c.pattern)}${c.onCreate.length ? ` ON CREATE SET ${c.onCreate.map(printSetItem).join(', ')}` : ''}${c.onMatch.length ? ` ON MATCH SET ${c.onMatch.map(printSetItem).join(', ')}` : ''}`;
    case 'Set': return `SET ${c.items.map(printSetItem).join(', ')}`;
    case 'Remove':
      return `REMOVE ${c.items.map((it) => it.kind === 'RemoveProperty' ? printExpression(it.property) : printName(it.variable) + it.labels.map((l) => ':' + printName(l)).join('') + (it.dynamicLabels ?? []).map((d) => `:$(${printExpression(d)})`).join('')).join(', ')}`;
    case 'Delete': return `${c.detach ? 'DETACH ' : ''}DELETE ${c.expressions.map(printExpression).join(', ')}`;
    case 'With': return `WITH ${printProjection(c.projection)}${c.where ? ` WHERE ${printExpression(c.where)}` : ''}`;
    case 'Return': return `RETURN ${printProjection(c.projection)}`;
    case 'Unwind': return `UNWIND ${printExpression(c.expression)} AS ${printName(c.variable)}`;
    case 'CallProcedure': {
      let out = `CALL ${c.name.split('.').map(printName).join('.')}`;
      if (c.args !== null) out += `(${c.args.map(printExpression).join(', ')})`;
      if (c.yieldStar) out += ' YIELD *';
      else if (c.yieldItems !== null) out += ` YIELD ${c.yieldItems.map((y) => printName(y.field) + (y.alias !== null ? ` AS ${printName(y.alias)}` : '')).join(', ')}`;
      if (c.where) out += ` WHERE ${printExpression(c.where)}`;
      return out;
    }
    case 'CallSubquery': {
      let out = c.optional ? 'OPTIONAL CALL ' : 'CALL ';
      if (c.importVariables !== null) out += `(${c.importAll ? '*' : c.importVariables.map(printName).join(', ')}) `;
      out += `{ ${printQuery(c.query)} }`;
      const t = c.inTransactions;
      if (t) {
        out += ' IN';
        if (t.concurrent) out += t.concurrency ? ` ${printExpression(t.concurrency)} CONCURRENT` : ' CONCURRENT';
        out += ' TRANSACTIONS';
        if (t.batchSize) out += ` OF ${printExpression(t.batchSize)} ROWS`;
        if (t.retry) {
          out += ' ON ERROR RETRY';
          if (t.retry.seconds) out += ` FOR ${printExpression(t.retry.seconds)} SECONDS`;
          out += ` THEN ${t.onError}`;
        } else if (t.onErrorGiven) {
          out += ` ON ERROR ${t.onError}`;
        }
        if (t.reportStatus) out += ` REPORT STATUS AS ${printName(t.reportStatus.variable)}`;
      }
      return out;
    }
    case 'Foreach': return `FOREACH (${printName(c.variable)} IN ${printExpression(c.list)} | ${c.clauses.map(printClause).join(' ')})`;
    case 'LoadCsv':
      return `LOAD CSV${c.withHeaders ? ' WITH HEADERS' : ''} FROM ${printExpression(c.url)} AS ${printName(c.variable)}${c.fieldTerminator !== null ? ` FIELDTERMINATOR ${printString(c.fieldTerminator)}` : ''}`;
  }
}

function printSingleQuery(q: SingleQuery): string {
  return q.clauses.map(printClause).join(' ') + (q.finish === true ? ' FINISH' : '');
}

export function printQuery(q: Query): string {
  if (q.kind === 'SingleQuery') return printSingleQuery(q);
  return q.queries.map(printSingleQuery).join(q.all ? ' UNION ALL ' : ' UNION ');
}

function printTarget(t: SchemaTarget, extra: readonly string[] = []): string {
  const v = t.variable !== null ? printName(t.variable) : 'x';
  const names = [t.labelOrType, ...extra].map(printName).join('|');
  return t.entity === 'node' ? `(${v}:${names})` : `()-[${v}:${names}]-()`;
}

function printTargetProperties(t: SchemaTarget): string {
  const v = t.variable !== null ? printName(t.variable) : 'x';
  return `(${t.properties.map((p) => `${v}.${printName(p)}`).join(', ')})`;
}

const CONSTRAINT_SUFFIX = { UNIQUE: 'IS UNIQUE', NODE_KEY: 'IS NODE KEY', RELATIONSHIP_KEY: 'IS RELATIONSHIP KEY', NOT_NULL: 'IS NOT NULL', PROPERTY_TYPE: 'IS ::' };

function printBody(b: StatementBody): string {
  switch (b.kind) {
    case 'SingleQuery': case 'UnionQuery': return printQuery(b);
    case 'CreateIndex': {
      if (b.indexType === 'LOOKUP') {
        return `CREATE LOOKUP INDEX${b.name !== null ? ' ' + printName(b.name) : ''}${b.ifNotExists ? ' IF NOT EXISTS' : ''} FOR ${b.target.entity === 'node' ? '(n) ON EACH labels(n)' : '()-[r]-() ON EACH type(r)'}`;
      }
      const on = b.indexType === 'FULLTEXT'
        ? `ON EACH [${b.target.properties.map((p) => `${b.target.variable !== null ? printName(b.target.variable) : 'x'}.${printName(p)}`).join(', ')}]`
        : `ON ${printTargetProperties(b.target)}`;
      return `CREATE ${b.indexType} INDEX${b.name !== null ? ' ' + printName(b.name) : ''}${b.ifNotExists ? ' IF NOT EXISTS' : ''} FOR ${printTarget(b.target, b.extraLabelsOrTypes)} ${on}${b.options ? ` OPTIONS ${printExpression(b.options)}` : ''}`;
    }
    case 'DropIndex':
      return b.legacy ? `DROP INDEX ON :${printName(b.legacy.labelOrType)}(${b.legacy.properties.map(printName).join(', ')})` : `DROP INDEX ${printName(b.name!)}${b.ifExists ? ' IF EXISTS' : ''}`;
    case 'CreateConstraint':
      return `CREATE CONSTRAINT${b.name !== null ? ' ' + printName(b.name) : ''}${b.ifNotExists ? ' IF NOT EXISTS' : ''} FOR ${printTarget(b.target)} REQUIRE ${printTargetProperties(b.target)} ${CONSTRAINT_SUFFIX[b.constraintType]}${b.propertyType !== null ? ' ' + b.propertyType : ''}${b.options ? ` OPTIONS ${printExpression(b.options)}` : ''}`;
    case 'DropConstraint':
      return b.legacy
        ? `DROP CONSTRAINT ON ${printTarget(b.legacy.target)} ASSERT ${printTargetProperties(b.legacy.target)} ${CONSTRAINT_SUFFIX[b.legacy.constraintType]}`
        : `DROP CONSTRAINT ${printName(b.name!)}${b.ifExists ? ' IF EXISTS' : ''}`;
    case 'Show': {
      let out = b.target === 'TERMINATE TRANSACTIONS'
        ? 'TERMINATE TRANSACTIONS'
        : `SHOW ${b.filter !== null ? b.filter + ' ' : ''}${b.target}${b.name !== null ? ' ' + printName(b.name) : ''}`;
      if (b.ids.length > 0) out += ` ${b.ids.map(printExpression).join(', ')}`;
      if (b.yieldStar) out += ' YIELD *';
      else if (b.yieldItems) out += ` YIELD ${b.yieldItems.map((y) => printName(y.field) + (y.alias !== null ? ` AS ${printName(y.alias)}` : '')).join(', ')}`;
      if (b.yieldProjection) {
        const pr = b.yieldProjection;
        if (pr.orderBy.length) out += ` ORDER BY ${pr.orderBy.map((s) => printExpression(s.expression) + (s.descending ? ' DESC' : '')).join(', ')}`;
        if (pr.skip) out += ` SKIP ${printExpression(pr.skip)}`;
        if (pr.limit) out += ` LIMIT ${printExpression(pr.limit)}`;
      }
      if (b.where) out += ` WHERE ${printExpression(b.where)}`;
      if (b.returnClause) out += ` ${printClause(b.returnClause)}`;
      return out;
    }
    case 'AdminCommand':
      return `${b.command} ${JSON.stringify(b.options)}`;
  }
}

export function printStatement(s: Statement): string {
  let out = '';
  if (s.cypherVersion !== null) out += `CYPHER ${s.cypherVersion} `;
  if (s.explain !== null) out += `${s.explain} `;
  if (s.use !== null) out += `USE ${s.use.split('.').map(printName).join('.')} `;
  return out + printBody(s.body);
}
