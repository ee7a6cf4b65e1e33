// How the transactional API's body is written, chosen by the request's Accept header: Neo4j's
// JSON document ({"results": [{"columns", "data": [{"row", "meta", "graph", "rest"}]}], "errors",
// …}) or Jolt's stream of events, one JSON document a line ({"header"}, {"data"} per record,
// {"summary"}, then {"error"} when something failed and {"info"} last), line-delimited
// (`application/vnd.neo4j.jolt`) or as RFC 7464 JSON text sequences (`…+json-seq`, each event
// after an RS character). The statements run the same way whatever the format (tx-endpoint.ts).

import type { Neo4jError } from '../../core/errors.js';
import type { CypherValue } from '../../values/value.js';
import { appendMeta, graphOf, rowValue, type DeletedCheck } from './json-values.js';
import { joltValue, type JoltMode } from './jolt-values.js';
import { restValue } from './rest-values.js';

/** Neo4j's "resultDataContents" for the JSON format. */
export type DataContent = 'row' | 'graph' | 'rest';

/** What a statement's summary carries: counters (when asked for) and the plan (EXPLAIN / PROFILE). */
export interface StatementSummary {
  readonly stats?: Record<string, unknown>;
  readonly plan?: Record<string, unknown>;
}

/** The pieces of a transactional body, in the order they are sent. */
export interface TxBodyFormat {
  readonly contentType: string;
  /** before the first statement */
  readonly start: string;
  /** a statement's columns; `first`: no statement came before it in this body */
  statementHead(columns: readonly string[], first: boolean): string;
  /** one record; `first`: the statement's first */
  record(values: readonly CypherValue[], contents: readonly DataContent[], deleted: DeletedCheck, first: boolean): string;
  /** ends a statement whose records all came */
  statementEnd(summary: StatementSummary): string;
  /** ends a statement an error cut short after its head */
  statementCut(): string;
  /** the end of the body: notifications, the error if any, and (without one) `after` (commit link, expiry, bookmarks) */
  end(error: Neo4jError | undefined, after?: Record<string, unknown>, notifications?: readonly unknown[]): string;
  /** a notification every statement adds (Neo4j 5 flags a deprecated format once per statement) */
  readonly statementNotification?: Record<string, unknown>;
}

export function errorsOf(error: Neo4jError | undefined): { code: string; message: string }[] {
  return error ? [{ code: error.code, message: error.message }] : [];
}

/** Neo4j's JSON body; `baseUrl` roots the "rest" content's entity URIs. */
export function jsonFormat(baseUrl: string): TxBodyFormat {
  return {
    contentType: 'application/json',
    start: '{"results":[',
    statementHead: (columns, first) => `${first ? '' : ','}{"columns":${JSON.stringify(columns)},"data":[`,
    record: (values, contents, deleted, first) => {
      const entry: Record<string, unknown> = {};
      for (const content of contents) {
        if (content === 'row') {
          const meta: unknown[] = [];
          for (const value of values) appendMeta(value, meta, deleted);
          entry.row = values.map((value) => rowValue(value, deleted));
          entry.meta = meta;
        } else if (content === 'graph') {
          entry.graph = graphOf(values, deleted);
        } else {
          entry.rest = values.map((value) => restValue(value, baseUrl, deleted));
        }
      }
      return `${first ? '' : ','}${JSON.stringify(entry)}`;
    },
    statementEnd: (summary) => {
      let tail = ']';
      if (summary.stats) tail += `,"stats":${JSON.stringify(summary.stats)}`;
      if (summary.plan) tail += `,"plan":${JSON.stringify(summary.plan)}`;
      return `${tail}}`;
    },
    statementCut: () => ']}',
    end: (error, after = {}, notifications = []) => {
      const head = notifications.length > 0 ? { notifications } : {};
      return `],${JSON.stringify({ ...head, errors: errorsOf(error), ...(error ? {} : after) }).slice(1)}\n`;
    },
  };
}

const RECORD_SEPARATOR = '\u001e';

/** The Jolt media types Neo4j 4.2–5 answer (v1 writes numeric ids, v2 element ids). */
const JOLT_TYPES: Readonly<Record<string, boolean>> = {
  'application/vnd.neo4j.jolt': false,
  'application/vnd.neo4j.jolt-v1': false,
  'application/vnd.neo4j.jolt-v2': true,
};

/**
 * Neo4j 5's warning for the first Jolt version (`jolt`, `jolt-v1`, numeric ids), which it
 * deprecates in favour of `jolt-v2`; `sequence`: the `+json-seq` spellings.
 */
function deprecatedJolt(sequence: boolean): Record<string, unknown> {
  const suffix = sequence ? '+json-seq' : '';
  return {
    code: 'Neo.ClientNotification.Request.DeprecatedFormat', severity: 'WARNING',
    title: 'The client made a request for a format which has been deprecated.',
    description: `The requested format has been deprecated. ('application/vnd.neo4j.jolt${suffix}' and 'application/vnd.neo4j.jolt-v1${suffix}' `
      + `have been deprecated and will be removed in a future version. Please use 'application/vnd.neo4j.jolt-v2${suffix}'.)`,
  };
}

/** Jolt's event stream in `mode`; `sequence`: RFC 7464 framing. */
export function joltFormat(mode: JoltMode, sequence: boolean, contentType: string): TxBodyFormat {
  const event = (body: unknown): string => `${sequence ? RECORD_SEPARATOR : ''}${JSON.stringify(body)}\n`;
  return {
    contentType,
    ...(mode.elementIds ? {} : { statementNotification: deprecatedJolt(sequence) }),
    start: '',
    statementHead: (columns) => event({ header: { fields: columns } }),
    record: (values) => event({ data: values.map((value) => joltValue(value, mode)) }),
    statementEnd: (summary) => event({ summary: { ...(summary.stats ? { stats: summary.stats } : {}), ...(summary.plan ? { plan: summary.plan } : {}) } }),
    statementCut: () => '',
    end: (error, after = {}, notifications = []) => {
      const info = { ...(notifications.length > 0 ? { notifications } : {}), ...(error ? {} : after) };
      return `${error ? event({ error: { errors: errorsOf(error) } }) : ''}${event({ info })}`;
    },
  };
}

/**
 * The body format an Accept header asks for: the first Jolt media type it lists (with
 * `;strict=true` for strict mode, `+json-seq` for JSON text sequences), else Neo4j's JSON.
 */
export function txFormatOf(accept: string | undefined, baseUrl: string): TxBodyFormat {
  for (const range of (accept ?? '').split(',')) {
    const [typePart, ...params] = range.split(';');
    const type = typePart!.trim().toLowerCase();
    const sequence = type.endsWith('+json-seq');
    const base = sequence ? type.slice(0, -'+json-seq'.length) : type;
    const elementIds = JOLT_TYPES[base];
    if (elementIds === undefined) continue;
    const strict = params.some((param) => {
      const [key, value] = param.split('=').map((part) => part.trim().toLowerCase());
      return key === 'strict' && value === 'true';
    });
    return joltFormat({ strict, elementIds }, sequence, type);
  }
  return jsonFormat(baseUrl);
}

/** What the router knows about how a transactional request wants its answer. */
export interface TxOutput {
  /** the Accept header */
  readonly accept?: string | undefined;
  /** `http://host:port` as the client addressed the server */
  readonly baseUrl?: string | undefined;
}

export function formatFor(output: TxOutput | undefined): TxBodyFormat {
  return txFormatOf(output?.accept, output?.baseUrl ?? '');
}
