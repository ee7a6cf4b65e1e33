// Value syntaxes of Neo4j settings: socket addresses, booleans, durations, counts and lists.
// Every parser names the key in its error so a bad neo4j.conf line is easy to find.

import { ConfigError } from './sources.js';

export interface SocketAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Neo4j address syntax: `host:port`, `:port` (default host), `host` (default port),
 * `[::1]:port` for IPv6 literals.
 */
export function parseSocketAddress(value: string, defaults: SocketAddress, key: string): SocketAddress {
  const text = value.trim();
  const bad = (why: string): ConfigError => new ConfigError(`Invalid value "${value}" for setting "${key}": ${why}`);
  if (text === '') throw bad('an address is required, e.g. "0.0.0.0:7687" or ":7687"');
  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw bad('unterminated IPv6 literal');
    host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) throw bad('expected ":port" after the IPv6 literal');
    portText = rest === '' ? undefined : rest.slice(1);
  } else {
    const colon = text.lastIndexOf(':');
    if (colon >= 0 && text.indexOf(':') !== colon) throw bad('IPv6 addresses must be written in brackets, e.g. "[::1]:7687"');
    host = colon >= 0 ? text.slice(0, colon) : text;
    portText = colon >= 0 ? text.slice(colon + 1) : undefined;
  }
  if (host === '') host = defaults.host;
  else if (!/^[A-Za-z0-9._\-:%]+$/.test(host)) throw bad(`"${host}" is not a valid host name`);
  let port = defaults.port;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText)) throw bad(`"${portText}" is not a port number`);
    port = Number(portText);
    if (port > 65535) throw bad(`port ${port} is out of range 0-65535`);
  }
  return { host, port };
}

export function parseBoolean(value: string, key: string): boolean {
  const lower = value.trim().toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new ConfigError(`Invalid value "${value}" for setting "${key}": expected true or false`);
}

const DURATION_UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Neo4j durations: `500ms`, `7s`, `1m`, `2h`, `1d`; a bare number means seconds. */
export function parseDurationMs(value: string, key: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(value.trim());
  if (m === null) throw new ConfigError(`Invalid value "${value}" for setting "${key}": expected a duration such as 500ms, 7s, 1m`);
  return Math.round(Number(m[1]) * (DURATION_UNITS_MS[m[2] ?? 's'] ?? 1000));
}

export function parsePositiveInteger(value: string, key: string): number {
  const text = value.trim();
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) throw new ConfigError(`Invalid value "${value}" for setting "${key}": expected a positive integer`);
  return Number(text);
}

/** Comma-separated items; empty items are an error (a stray comma is usually a typo). */
export function parseList(value: string, key: string): string[] {
  const text = value.trim();
  if (text === '') return [];
  const items = text.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) throw new ConfigError(`Invalid value "${value}" for setting "${key}": empty item in list`);
  return items;
}
