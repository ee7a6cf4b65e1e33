// Neo4j 5 type predicates `x IS :: INTEGER`, `x IS NOT :: STRING NOT NULL`, `x :: FLOAT | INTEGER`,
// desugared onto valueType(): `x IS :: T` ≡ `x IS NULL OR valueType(x) = 'T NOT NULL'` (types are
// nullable unless NOT NULL). The runtime's valueType() must return Neo4j's canonical names.
// Element-typed lists (LIST<INTEGER>) and property-value types are not supported.

import { notSupported } from '../../core/errors.js';
import type { Expression, Span } from '../ast/index.js';
import type { TokenStream } from './stream.js';

/** Canonical type names by their accepted spellings (multi-word spellings joined by spaces). */
const CANONICAL: Record<string, string> = {
  'BOOL': 'BOOLEAN', 'BOOLEAN': 'BOOLEAN',
  'VARCHAR': 'STRING', 'STRING': 'STRING',
  'INT': 'INTEGER', 'INTEGER': 'INTEGER', 'SIGNED INTEGER': 'INTEGER', 'INT64': 'INTEGER', 'INTEGER64': 'INTEGER',
  'FLOAT': 'FLOAT', 'FLOAT64': 'FLOAT',
  'DATE': 'DATE',
  'LOCAL TIME': 'LOCAL TIME', 'TIME WITHOUT TIME ZONE': 'LOCAL TIME',
  'ZONED TIME': 'ZONED TIME', 'TIME WITH TIME ZONE': 'ZONED TIME',
  'LOCAL DATETIME': 'LOCAL DATETIME', 'TIMESTAMP WITHOUT TIME ZONE': 'LOCAL DATETIME',
  'ZONED DATETIME': 'ZONED DATETIME', 'TIMESTAMP WITH TIME ZONE': 'ZONED DATETIME',
  'DURATION': 'DURATION', 'POINT': 'POINT',
  'NODE': 'NODE', 'ANY NODE': 'NODE', 'VERTEX': 'NODE', 'ANY VERTEX': 'NODE',
  'RELATIONSHIP': 'RELATIONSHIP', 'ANY RELATIONSHIP': 'RELATIONSHIP', 'EDGE': 'RELATIONSHIP', 'ANY EDGE': 'RELATIONSHIP',
  'MAP': 'MAP', 'ANY MAP': 'MAP', 'PATH': 'PATH', 'ANY PATH': 'PATH',
  'ANY': 'ANY', 'NOTHING': 'NOTHING', 'NULL': 'NULL',
};
const LONGEST_SPELLING_WORDS = 4;

/** Temporal names as Causeway's valueType() spelled them at first (without Neo4j's spaces). */
const LEGACY_VALUE_TYPE: Record<string, string> = {
  'LOCAL TIME': 'LOCALTIME', 'ZONED TIME': 'TIME', 'LOCAL DATETIME': 'LOCALDATETIME', 'ZONED DATETIME': 'DATETIME',
};

interface TypeMember {
  readonly name: string; // canonical, or 'LIST'
  readonly nullable: boolean;
}

function parseMember(ts: TokenStream): TypeMember {
  const start = ts.peek().start;
  let name: string | null = null;
  if (ts.atKeyword('LIST') || ts.atKeyword('ARRAY')) {
    ts.next();
    if (ts.acceptPunct('<')) {
      // Only LIST<ANY> is expressible on valueType() without element inspection.
      const inner = parseMember(ts);
      if (inner.name !== 'ANY') throw notSupported(`The type predicate on ${ts.text.slice(start, ts.lastEnd)}…>`);
      ts.expectPunct('>');
    }
    name = 'LIST';
  } else {
    for (let words = LONGEST_SPELLING_WORDS; words >= 1 && name === null; words--) {
      const parts: string[] = [];
      for (let i = 0; i < words && ts.peek(i).type === 'ident'; i++) parts.push(ts.peek(i).value);
      if (parts.length === words && CANONICAL[parts.join(' ')] !== undefined) {
        name = CANONICAL[parts.join(' ')]!;
        ts.pos += words;
      }
    }
    if (name === null) {
      if (ts.atKeywords('PROPERTY', 'VALUE') || ts.atKeywords('ANY', 'PROPERTY')) throw notSupported('The PROPERTY VALUE type predicate');
      ts.fail(['a type name']);
    }
  }
  let nullable = true;
  if (ts.atKeywords('NOT', 'NULL')) {
    ts.pos += 2;
    nullable = false;
  } else if (ts.acceptPunct('!')) {
    nullable = false;
  }
  return { name: name!, nullable };
}

/** Parses the type after `::` (a union with `|`) into a boolean predicate over `subject`. */
export function parseTypePredicate(ts: TokenStream, subject: Expression, negated: boolean, span: () => Span): Expression {
  const members = [parseMember(ts)];
  // Inside a comprehension's WHERE, `|` is the projection bar, not a type union.
  while (ts.labelOrSuppressed === 0 && ts.acceptPunct('|')) members.push(parseMember(ts));
  const at = span();
  const valueType: Expression = { kind: 'FunctionCall', name: 'valueType', distinct: false, args: [subject], span: at };
  const str = (value: string): Expression => ({ kind: 'Literal', value, span: at });
  const or = (left: Expression, right: Expression): Expression => ({ kind: 'BinaryOp', op: 'OR', left, right, span: at });
  const tests: Expression[] = [];
  if (members.some((m) => m.nullable || m.name === 'NULL')) tests.push({ kind: 'IsNull', operand: subject, negated: false, span: at });
  for (const m of members) {
    if (m.name === 'NULL' || m.name === 'NOTHING') continue;
    if (m.name === 'ANY') tests.push({ kind: 'IsNull', operand: subject, negated: true, span: at });
    else if (m.name === 'LIST') tests.push({ kind: 'BinaryOp', op: 'STARTS WITH', left: valueType, right: str('LIST'), span: at });
    else if (LEGACY_VALUE_TYPE[m.name] !== undefined) {
      const names = [`${m.name} NOT NULL`, `${LEGACY_VALUE_TYPE[m.name]} NOT NULL`].map(str);
      tests.push({ kind: 'BinaryOp', op: 'IN', left: valueType, right: { kind: 'ListLiteral', items: names, span: at }, span: at });
    } else tests.push({ kind: 'Comparison', operands: [valueType, str(`${m.name} NOT NULL`)], ops: ['='], span: at });
  }
  const predicate = tests.length === 0 ? ({ kind: 'Literal', value: false, span: at } as Expression) : tests.reduce(or);
  return negated ? { kind: 'UnaryOp', op: 'NOT', operand: predicate, span: at } : predicate;
}
