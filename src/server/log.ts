// The server's user log in Neo4j's layout: "2026-11-26 07:32:11.123+0000 INFO  Started."
// Pure formatting over an injected wall clock and line sink; the console wiring is at the bottom.

import type { Clock } from '../env/clock.js';
import { nodeClock } from '../env/node/clock.js';
import { stdoutLineSink } from '../env/node/log-sink.js';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  /** `error` adds the stack of an Error cause on the following lines */
  error(message: string, cause?: unknown): void;
}

const LEVEL_ORDER: Record<LogLevel, number> = { DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3 };

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** Neo4j's `%d{yyyy-MM-dd HH:mm:ss.SSSZ}{GMT+0} %-5p %m`. */
export function formatLogLine(wallMs: number, level: LogLevel, message: string): string {
  const d = new Date(wallMs);
  const stamp = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}+0000`;
  return `${stamp} ${level.padEnd(5)} ${message}`;
}

export interface LoggerOptions {
  readonly clock: Pick<Clock, 'wallMs'>;
  readonly sink: (line: string) => void;
  readonly minLevel?: LogLevel;
}

export function createLogger(options: LoggerOptions): Logger {
  const min = LEVEL_ORDER[options.minLevel ?? 'INFO'];
  const write = (level: LogLevel, message: string): void => {
    if (LEVEL_ORDER[level] >= min) options.sink(formatLogLine(options.clock.wallMs(), level, message));
  };
  return {
    debug: (message) => write('DEBUG', message),
    info: (message) => write('INFO', message),
    warn: (message) => write('WARN', message),
    error: (message, cause) => {
      const detail = cause instanceof Error ? `\n${cause.stack ?? cause.message}` : cause === undefined ? '' : ` ${String(cause)}`;
      write('ERROR', message + detail);
    },
  };
}

/** Collects lines in memory: for tests. */
export function createMemoryLogger(clock: Pick<Clock, 'wallMs'> = { wallMs: () => 0 }): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  return Object.assign(createLogger({ clock, sink: (line) => lines.push(line), minLevel: 'DEBUG' }), { lines });
}

/** The logger `causeway console` uses: stdout, real wall clock. */
export function createConsoleLogger(minLevel: LogLevel = 'INFO'): Logger {
  return createLogger({ clock: nodeClock, sink: stdoutLineSink, minLevel });
}
