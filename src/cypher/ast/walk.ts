// Generic traversal helpers over expressions (no descent into subquery bodies).

import type { Expression } from './expressions.js';

/** The direct child expressions of `expr`, in source order. Subquery bodies are not included. */
export function childExpressions(expr: Expression): Expression[] {
  const out: Expression[] = [];
  const add = (e: Expression | null): void => {
    if (e) out.push(e);
  };
  switch (expr.kind) {
    case 'PropertyAccess': add(expr.object); break;
    case 'Subscript': add(expr.object); add(expr.index); break;
    case 'Slice': add(expr.object); add(expr.from); add(expr.to); break;
    case 'ListLiteral': expr.items.forEach(add); break;
    case 'MapLiteral': expr.entries.forEach((en) => add(en.value)); break;
    case 'UnaryOp': add(expr.operand); break;
    case 'BinaryOp': add(expr.left); add(expr.right); break;
    case 'Comparison': expr.operands.forEach(add); break;
    case 'IsNull': add(expr.operand); break;
    case 'HasLabels': add(expr.subject); break;
    case 'Case': add(expr.test); expr.alternatives.forEach((al) => { add(al.when); add(al.then); }); add(expr.elseExpr); break;
    case 'ListComprehension': add(expr.list); add(expr.where); add(expr.projection); break;
    case 'Quantifier': add(expr.list); add(expr.where); break;
    case 'Reduce': add(expr.init); add(expr.list); add(expr.expression); break;
    case 'FunctionCall': expr.args.forEach(add); break;
    case 'PatternComprehension': add(expr.where); add(expr.projection); break;
    case 'MapProjection':
      add(expr.subject);
      expr.items.forEach((it) => { if (it.kind === 'LiteralEntry') add(it.value); });
      break;
    default: break;
  }
  return out;
}

/**
 * Pre-order visit of `expr` and all its sub-expressions (not into subquery bodies). Iterative,
 * so thousands-deep operator chains from generated queries do not exhaust the stack.
 */
export function forEachExpression(expr: Expression, visit: (e: Expression) => void): void {
  const stack: Expression[] = [expr];
  while (stack.length > 0) {
    const e = stack.pop()!;
    visit(e);
    const children = childExpressions(e);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
}
