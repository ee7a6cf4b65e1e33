// Turns offsets into Neo4j-style positions and error text.

export interface SourcePosition {
  readonly line: number; // 1-based
  readonly column: number; // 1-based
  readonly offset: number; // 0-based
}

export function positionAt(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  const limit = Math.min(offset, text.length);
  for (let i = 0; i < limit; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1, offset };
}

/** `(line L, column C (offset: O))` followed by the offending line and a caret, as Neo4j prints. */
export function describePosition(text: string, offset: number): string {
  const pos = positionAt(text, offset);
  const lineStart = offset - (pos.column - 1);
  let lineEnd = text.indexOf('\n', lineStart);
  if (lineEnd < 0) lineEnd = text.length;
  const lineText = text.slice(lineStart, lineEnd).replace(/\r$/, '');
  return `(line ${pos.line}, column ${pos.column} (offset: ${pos.offset}))\n"${lineText}"\n${' '.repeat(pos.column)}^`;
}
