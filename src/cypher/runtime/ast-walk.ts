// Iterative AST traversal: generated queries can nest thousands of operators deep, which would
// overflow the stack of a recursive walk.

/** Visits every kind-tagged object under `root`; `visit` returning false skips its children. */
export function forEachAstNode(root: unknown, visit: (node: { readonly kind: string } & Record<string, unknown>) => boolean | void): void {
  const stack: unknown[] = [root];
  let budget = 10_000_000;
  while (stack.length > 0) {
    if (--budget < 0) throw new Error('invariant violated: AST walk did not terminate');
    const node = stack.pop();
    if (Array.isArray(node)) { for (let i = node.length - 1; i >= 0; i--) stack.push(node[i]); continue; }
    if (node === null || typeof node !== 'object' || node instanceof Map) continue;
    const o = node as Record<string, unknown>;
    if (typeof o.kind === 'string' && visit(o as { kind: string } & Record<string, unknown>) === false) continue;
    for (const k in o) if (k !== 'span') stack.push(o[k]);
  }
}

/** The operands of a left-deep chain of AND, flattened without recursion. */
export function conjunctsOf<E extends { kind: string }>(e: E): E[] {
  const out: E[] = [];
  const stack: E[] = [e];
  while (stack.length > 0) {
    const x = stack.pop()!;
    const b = x as unknown as { kind: string; op?: string; left?: E; right?: E };
    if (b.kind === 'BinaryOp' && b.op === 'AND') { stack.push(b.right!, b.left!); } else out.push(x);
  }
  return out;
}
