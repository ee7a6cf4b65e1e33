// The query log (logs/query.log) in Neo4j 5's line layout, e.g.
//   2026-11-26 07:32:11.123+0000 INFO  id:7 - 3 ms: 0 B - bolt-session	bolt	neo4j-javascript/6.3.0		bolt-3>	neo4j - neo4j - MATCH (n) RETURN n - {} - runtime=causeway - {}
// Settings: db.logs.query.enabled (OFF | INFO | VERBOSE; 3.5 dbms.logs.query.enabled true/false),
// db.logs.query.threshold (e.g. 500ms, 2s), db.logs.query.parameter_logging_enabled.

import { Neo4jError, Status } from '../core/errors.js';
import { formatValue } from '../values/format.js';
import type { QueryEvent } from '../bolt/services.js';
import { formatLogLine } from './log.js';

export interface QueryLogSettings {
  readonly thresholdMs: number;
  readonly logParameters: boolean;
}

function parseDurationMs(text: string, key: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!match) throw new Neo4jError(Status.ArgumentError, `Invalid value "${text}" for ${key}: expected a duration such as 500ms or 2s`);
  const unit = match[2] ?? 's';
  return Number(match[1]) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as Record<string, number>)[unit]!;
}

/** undefined when the query log is off (the default). */
export function queryLogSettings(raw: ReadonlyMap<string, string>): QueryLogSettings | undefined {
  const enabled = (raw.get('db.logs.query.enabled') ?? raw.get('dbms.logs.query.enabled') ?? 'OFF').trim().toUpperCase();
  if (enabled === 'OFF' || enabled === 'FALSE') return undefined;
  if (!['INFO', 'VERBOSE', 'TRUE'].includes(enabled)) {
    throw new Neo4jError(Status.ArgumentError, `Invalid value "${enabled}" for db.logs.query.enabled: expected OFF, INFO or VERBOSE`);
  }
  const thresholdKey = raw.has('db.logs.query.threshold') ? 'db.logs.query.threshold' : 'dbms.logs.query.threshold';
  const threshold = raw.get(thresholdKey);
  const parameters = raw.get('db.logs.query.parameter_logging_enabled') ?? raw.get('dbms.logs.query.parameter_logging_enabled') ?? 'true';
  return {
    thresholdMs: threshold === undefined ? 0 : parseDurationMs(threshold, thresholdKey),
    logParameters: parameters.trim().toLowerCase() !== 'false',
  };
}

/** Numbers queries like Neo4j's "id:N" and turns events into lines (undefined: below threshold). */
export class QueryLogFormatter {
  private nextId = 1;
  constructor(private readonly settings: QueryLogSettings) {}

  format(event: QueryEvent, wallMs: number): string | undefined {
    const elapsedMs = Math.max(0, Math.round(event.elapsedMs));
    const id = this.nextId++;
    if (elapsedMs < this.settings.thresholdMs && !event.error) return undefined;
    const params = this.settings.logParameters ? formatValue(event.params) : '';
    const metadata = event.txMetadata ? formatValue(event.txMetadata) : '{}';
    const query = event.query.replace(/\s*\n\s*/g, ' ');
    const origin = `bolt-session\tbolt\t${event.userAgent}\t\t${event.connectionId}>`;
    const tail = event.error ? ` - ${event.error.code}: ${event.error.message}` : '';
    const message = `id:${id} - ${elapsedMs} ms: 0 B - ${origin}\t${event.database} - ${event.user} - ${query} - ${params} - runtime=causeway - ${metadata}${tail}`;
    return formatLogLine(wallMs, event.error ? 'ERROR' : 'INFO', message);
  }
}
