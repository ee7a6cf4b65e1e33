// Shared pieces of every AST node. The AST is immutable and kind-tagged: consumers switch on
// `kind`, and analysis results live in side tables keyed by node identity, never on the nodes.

/** Half-open range of UTF-16 offsets [start, end) into the statement text the node came from. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface AstNodeBase {
  readonly span: Span;
}
