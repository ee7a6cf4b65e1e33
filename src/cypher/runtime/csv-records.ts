// An incremental CSV record reader for LOAD CSV: text arrives in chunks from the import file and
// records leave one at a time, so a file of any size is read with one record's text in memory.
// It follows Neo4j's reader: `"` quotes a field (a quoted field may hold the terminator and line
// breaks), `""` inside quotes is one quote, and so is `\"` while legacy quote escaping is on (the
// Neo4j default); an unquoted empty field is null, a quoted empty one the empty string; lines that
// are wholly empty are skipped; a leading byte-order mark is dropped.

import { Neo4jError, Status } from '../../core/errors.js';

export interface CsvRecord {
  /** null for an empty unquoted field */
  readonly fields: (string | null)[];
  /** 1-based line on which the record starts (linenumber()) */
  readonly line: number;
}

export interface CsvReaderOptions {
  readonly fieldTerminator: string;
  /** `\"` inside a quoted field is a quote (dbms.import.csv.legacy_quote_escaping) */
  readonly legacyQuoteEscaping: boolean;
  /** longest field, in characters, before the reader gives up (dbms.import.csv.buffer_size) */
  readonly maxFieldChars: number;
  /** names the resource in error messages */
  readonly description: string;
  /** the quote character (default `"`; neo4j-admin import's --quote) */
  readonly quote?: string;
}

/**
 * Pulls records out of text fed chunk by chunk. `next()` answers a record, or null when it needs
 * more text (or, after `end()`, when the text is exhausted).
 */
export class CsvRecordReader {
  private text = '';
  private pos = 0;
  private ended = false;
  private line = 1;
  private started = false;
  private readonly quote: string;

  constructor(private readonly options: CsvReaderOptions) {
    this.quote = options.quote ?? '"';
    const QUOTE = this.quote;
    if (QUOTE.length !== 1 || QUOTE === '\n' || QUOTE === '\r') throw new Neo4jError(Status.SyntaxError, 'CSV quote character can only be one character wide');
    if (options.fieldTerminator.length !== 1 || options.fieldTerminator === QUOTE || options.fieldTerminator === '\n' || options.fieldTerminator === '\r') {
      throw new Neo4jError(Status.SyntaxError, 'CSV field terminator can only be one character wide');
    }
  }

  /** Appends text; what was already consumed is dropped first. */
  feed(chunk: string): void {
    if (!this.started) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    this.text = this.text.slice(this.pos) + chunk;
    this.pos = 0;
  }

  end(): void {
    this.ended = true;
  }

  /** The next whole record, or null if the text so far ends inside one (or the input is done). */
  next(): CsvRecord | null {
    for (;;) {
      const parsed = this.tryRecord();
      if (parsed === 'more') return null;
      if (parsed === 'blank') continue;
      return parsed;
    }
  }

  private tryRecord(): CsvRecord | null | 'more' | 'blank' {
    const { text } = this;
    let i = this.pos;
    if (i >= text.length) return this.ended ? null : 'more';
    const startLine = this.line;
    let lines = 0;
    // a wholly empty line is no record
    if (text[i] === '\n' || text[i] === '\r') {
      const after = this.lineBreakEnd(i);
      if (after === -1) return 'more';
      this.pos = after;
      this.line += 1;
      return 'blank';
    }
    const term = this.options.fieldTerminator;
    const QUOTE = this.quote;
    const fields: (string | null)[] = [];
    for (;;) {
      // one field starting at i
      if (text[i] === QUOTE) {
        let value = '';
        let j = i + 1;
        for (;;) {
          if (j >= text.length) return this.needMore(j - i);
          const ch = text[j]!;
          if (ch === QUOTE) {
            if (j + 1 >= text.length && !this.ended) return 'more';
            if (text[j + 1] === QUOTE) { value += QUOTE; j += 2; continue; }
            j += 1;
            break;
          }
          if (ch === '\\' && this.options.legacyQuoteEscaping) {
            if (j + 1 >= text.length && !this.ended) return 'more';
            if (text[j + 1] === QUOTE) { value += QUOTE; j += 2; continue; }
          }
          if (ch === '\n') lines += 1;
          else if (ch === '\r' && text[j + 1] !== '\n') lines += 1;
          value += ch;
          j += 1;
          if (value.length > this.options.maxFieldChars) throw this.tooLong();
        }
        if (j < text.length && text[j] !== term && text[j] !== '\n' && text[j] !== '\r') {
          throw new Neo4jError(Status.ExternalResourceFailed,
            `At ${this.options.description} @ line ${startLine + lines}: there's a field starting with a quote and whereas it ends that quote there seems to be characters in that field after that ending quote. That isn't supported. This is what I read: '${value}${QUOTE}${text[j]}'`);
        }
        fields.push(value);
        i = j;
      } else {
        let j = i;
        while (j < text.length && text[j] !== term && text[j] !== '\n' && text[j] !== '\r') j += 1;
        if (j >= text.length && !this.ended) return this.needMore(j - i);
        if (j - i > this.options.maxFieldChars) throw this.tooLong();
        fields.push(j === i ? null : text.slice(i, j));
        i = j;
      }
      // after a field: terminator, line break or end of input
      if (i >= text.length) {
        if (!this.ended) return 'more';
        this.pos = i;
        this.line += lines;
        return { fields, line: startLine };
      }
      if (text[i] === term) { i += 1; continue; }
      const after = this.lineBreakEnd(i);
      if (after === -1) return 'more';
      this.pos = after;
      this.line += lines + 1;
      return { fields, line: startLine };
    }
  }

  /** Index after the line break at i (\n, \r\n or \r), or -1 when a \r ends the text so far. */
  private lineBreakEnd(i: number): number {
    if (this.text[i] === '\n') return i + 1;
    if (i + 1 >= this.text.length && !this.ended) return -1;
    return this.text[i + 1] === '\n' ? i + 2 : i + 1;
  }

  private needMore(fieldChars: number): 'more' {
    if (fieldChars > this.options.maxFieldChars) throw this.tooLong();
    if (this.ended) {
      throw new Neo4jError(Status.ExternalResourceFailed,
        `At ${this.options.description} @ line ${this.line}: a quoted field is not closed before the end of the file`);
    }
    return 'more';
  }

  private tooLong(): Neo4jError {
    return new Neo4jError(Status.ExternalResourceFailed,
      `Tried to read a field larger than the current buffer size (${this.options.maxFieldChars} characters) at ${this.options.description} @ line ${this.line}. ` +
      'Make sure that the field doesn\'t have an unterminated quote; if it doesn\'t, you can try increasing the buffer size via `dbms.import.csv.buffer_size`.');
  }
}
