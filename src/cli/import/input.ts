// The records of one input group: its files in order (gzip'd ones, `.gz`, unpacked on the fly),
// parsed by LOAD CSV's reader. The first record of the group's first file is the header; every
// other record of every file is data. Bytes read are reported for the progress lines.

import { createReadStream, existsSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { CsvRecordReader, type CsvRecord } from '../../cypher/runtime/csv-records.js';
import { ImportInputError } from './header.js';

export interface ReaderSettings {
  readonly delimiter: string;
  readonly quote: string;
  readonly legacyQuoting: boolean;
  readonly multilineFields: boolean;
}

/** the longest field the reader accepts (Neo4j's read buffer is 4 MiB) */
const MAX_FIELD_CHARS = 4 * 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;

export interface SourcedRecord extends CsvRecord {
  readonly file: string;
}

export function checkFiles(files: readonly string[]): void {
  for (const file of files) {
    if (!existsSync(file) || !statSync(file).isFile()) throw new ImportInputError(`File '${file}' doesn't exist`);
  }
}

export function totalBytes(files: readonly string[]): number {
  return files.reduce((sum, file) => sum + statSync(file).size, 0);
}

/** Every record of the files, in order; `onBytes` hears of each chunk read from disk. */
export async function* groupRecords(files: readonly string[], settings: ReaderSettings, onBytes: (bytes: number) => void): AsyncGenerator<SourcedRecord> {
  for (const file of files) {
    const reader = new CsvRecordReader({
      fieldTerminator: settings.delimiter, quote: settings.quote, legacyQuoteEscaping: settings.legacyQuoting,
      maxFieldChars: MAX_FIELD_CHARS, description: file,
    });
    const raw = createReadStream(file, { highWaterMark: CHUNK_BYTES });
    raw.on('data', (chunk) => onBytes(chunk.length));
    const text = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
    text.setEncoding('utf8');
    try {
      for await (const chunk of text) {
        reader.feed(chunk as string);
        for (let record = reader.next(); record !== null; record = reader.next()) yield checked(record, file, settings);
      }
      reader.end();
      for (let record = reader.next(); record !== null; record = reader.next()) yield checked(record, file, settings);
    } catch (error) {
      if (error instanceof ImportInputError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') throw new ImportInputError(`${file} is not a valid gzip file: ${(error as Error).message}`);
      throw new ImportInputError((error as Error).message);
    } finally {
      raw.destroy();
    }
  }
}

function checked(record: CsvRecord, file: string, settings: ReaderSettings): SourcedRecord {
  if (!settings.multilineFields && record.fields.some((field) => field !== null && (field.includes('\n') || field.includes('\r')))) {
    throw new ImportInputError(`Multi-line fields are illegal in this context and so this might suggest that there's a field with a start quote, `
      + `but a missing end quote. See ${file} @ line ${record.line}. Pass --multiline-fields=true if fields may span lines.`);
  }
  return { fields: record.fields, line: record.line, file };
}
