// LOAD CSV: each input row opens the URL through the engine's import source and yields one row per
// CSV record, pulling the file a chunk at a time; downstream stages (CALL { … } IN TRANSACTIONS
// batches) therefore see rows while the file is still being read, and memory holds one chunk and
// one record. linenumber() and file() read the record's position from hidden row slots.

import { notSupported, typeError } from '../../core/errors.js';
import type { LoadCsvClause } from '../ast/clauses.js';
import type { CypherValue } from '../../values/value.js';
import { PAUSE, isControl, tick, type Evaluator, type Row } from './context.js';
import { CsvRecordReader, type CsvRecord } from './csv-records.js';
import type { Stage } from '../planner/planner.js';

/** Row slots no Cypher name can spell: the current record's line and file. */
const LINE_SLOT = '\u0000csv.linenumber';
const FILE_SLOT = '\u0000csv.file';

/** linenumber() / file(): the record position LOAD CSV left in the row, null outside LOAD CSV. */
export function csvPositionFunction(name: string): Evaluator | null {
  switch (name.toLowerCase()) {
    case 'linenumber': return (row) => row[LINE_SLOT] ?? null;
    case 'file': return (row) => row[FILE_SLOT] ?? null;
    default: return null;
  }
}

export function loadCsvStage(clause: LoadCsvClause, url: Evaluator): Stage {
  const { variable, withHeaders } = clause;
  const fieldTerminator = clause.fieldTerminator ?? ',';
  return {
    *run(input, ctx) {
      for (const row of input) {
        if (isControl(row)) { yield row; continue; }
        const target = url(row, ctx);
        if (typeof target !== 'string') throw typeError(`LOAD CSV expects a string URL, but got ${target === null ? 'null' : typeof target}`);
        const source = ctx.csvImport;
        if (source === undefined) throw notSupported('LOAD CSV outside a server (there is no import directory)');
        const resource = source.open(target);
        try {
          const reader = new CsvRecordReader({
            fieldTerminator, legacyQuoteEscaping: source.legacyQuoteEscaping, maxFieldChars: source.maxFieldChars,
            description: `file:${resource.description}`,
          });
          let ended = false;
          let headers: string[] | null = null;
          const file = resource.description;
          for (;;) {
            let record: CsvRecord | null = reader.next();
            while (record === null && !ended) {
              tick(ctx);
              const chunk = resource.readChunk();
              if (chunk === null) { reader.end(); ended = true; } else reader.feed(chunk);
              record = reader.next();
            }
            if (record === null) break;
            tick(ctx);
            if (ctx.yieldNow) yield PAUSE;
            if (withHeaders && headers === null) {
              headers = record.fields.map((f) => f ?? '');
              continue;
            }
            const value: CypherValue = headers === null ? record.fields : headerMap(headers, record.fields);
            yield { ...row, [variable]: value, [LINE_SLOT]: BigInt(record.line), [FILE_SLOT]: file } satisfies Row;
          }
        } finally {
          resource.close();
        }
      }
    },
  };
}

/** A record under WITH HEADERS: missing fields are null, fields past the headers are dropped. */
function headerMap(headers: readonly string[], fields: readonly (string | null)[]): Map<string, CypherValue> {
  const out = new Map<string, CypherValue>();
  for (let i = 0; i < headers.length; i++) out.set(headers[i]!, fields[i] ?? null);
  return out;
}
