// Splits shell input into Cypher statements and shell commands the way cypher-shell does:
// a statement ends at `;` outside strings, backtick names and comments; a line starting with `:`
// (before any statement text) is a command that ends at the line break. Input may arrive in
// pieces (interactive lines, stdin chunks), so the splitter keeps its lexical state between feeds.

export type ShellItem = { readonly kind: 'cypher'; readonly text: string } | { readonly kind: 'command'; readonly text: string };

type LexState = 'code' | 'single' | 'double' | 'backtick' | 'lineComment' | 'blockComment' | 'command';

export class StatementSplitter {
  private state: LexState = 'code';
  private buffer = '';
  /** whether the buffer holds anything besides whitespace and comments */
  private hasContent = false;
  private escaped = false;
  // A last character that may start a two-character comment token, held for the next feed.
  private carry = '';

  /** Consumes text and returns the items it completed, in order. */
  feed(text: string): ShellItem[] {
    return this.consume(this.carry + text, false);
  }

  private consume(text: string, final: boolean): ShellItem[] {
    this.carry = '';
    const items: ShellItem[] = [];
    for (let i = 0; i < text.length; i++) {
      const ch = text[i] as string;
      const next = text[i + 1];
      if (!final && next === undefined && ((ch === '/' && this.state === 'code') || (ch === '*' && this.state === 'blockComment'))) {
        this.carry = ch;
        break;
      }
      switch (this.state) {
        case 'command':
          if (ch === '\n') {
            this.emitCommand(items);
          } else {
            this.buffer += ch;
          }
          continue;
        case 'single':
        case 'double':
          this.buffer += ch;
          if (this.escaped) this.escaped = false;
          else if (ch === '\\') this.escaped = true;
          else if ((ch === "'" && this.state === 'single') || (ch === '"' && this.state === 'double')) this.state = 'code';
          continue;
        case 'backtick':
          this.buffer += ch;
          if (ch === '`') this.state = 'code';
          continue;
        case 'lineComment':
          this.buffer += ch;
          if (ch === '\n') this.state = 'code';
          continue;
        case 'blockComment':
          this.buffer += ch;
          if (ch === '*' && next === '/') {
            this.buffer += '/';
            i++;
            this.state = 'code';
          }
          continue;
        case 'code':
          break;
      }
      if (ch === ':' && !this.hasContent) {
        // Leading comments belong to no statement once a command starts.
        this.buffer = '';
        this.state = 'command';
        continue;
      }
      if (ch === ';') {
        this.emitStatement(items);
        continue;
      }
      this.buffer += ch;
      if (ch === '/' && next === '/') {
        this.buffer += '/';
        i++;
        this.state = 'lineComment';
      } else if (ch === '/' && next === '*') {
        this.buffer += '*';
        i++;
        this.state = 'blockComment';
      } else if (ch === "'") {
        this.hasContent = true;
        this.state = 'single';
      } else if (ch === '"') {
        this.hasContent = true;
        this.state = 'double';
      } else if (ch === '`') {
        this.hasContent = true;
        this.state = 'backtick';
      } else if (!/\s/.test(ch)) {
        this.hasContent = true;
      }
    }
    return items;
  }

  /** At end of input: a pending command or unterminated statement still runs, as cypher-shell does. */
  finish(): ShellItem[] {
    const items: ShellItem[] = this.consume(this.carry, true);
    if (this.state === 'command') this.emitCommand(items);
    else if (this.hasContent) this.emitStatement(items);
    this.reset();
    return items;
  }

  /** True when part of a statement has been typed (the interactive prompt shows a continuation). */
  get pending(): boolean {
    return this.hasContent || this.state === 'command' || this.carry !== '';
  }

  reset(): void {
    this.state = 'code';
    this.buffer = '';
    this.hasContent = false;
    this.escaped = false;
    this.carry = '';
  }

  private emitStatement(items: ShellItem[]): void {
    const text = this.buffer.trim();
    if (this.hasContent && text !== '') items.push({ kind: 'cypher', text });
    this.reset();
  }

  private emitCommand(items: ShellItem[]): void {
    const text = (':' + this.buffer).trim().replace(/;+$/, '').trim();
    items.push({ kind: 'command', text });
    this.reset();
  }
}

/** Splits a whole script at once. */
export function splitStatements(script: string): ShellItem[] {
  const splitter = new StatementSplitter();
  return [...splitter.feed(script), ...splitter.finish()];
}
