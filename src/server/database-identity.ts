// A database's identity as db.info() reports it: an id (UUID) and the moment it was created, kept
// in <data>/dbms/databases.json from the first start on, so they survive restarts. Pure: the
// file store, clock and randomness are passed in.

import type { TextFileStore } from './auth/users.js';

export interface DatabaseIdentity {
  readonly id: string;
  readonly name: string;
  /** ISO-8601 UTC, e.g. 2026-12-04T03:22:10.123Z */
  readonly creationDate: string;
}

interface Stored {
  readonly databases: Record<string, { id: string; creationDate: string }>;
}

/** A version-4 UUID from 16 random bytes (values 0–255). */
export function uuidFromBytes(bytes: readonly number[]): string {
  const b = [...bytes];
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export async function loadDatabaseIdentity(
  files: TextFileStore, path: string, name: string, nowMs: number, randomByte: () => number,
): Promise<DatabaseIdentity> {
  const text = await files.read(path);
  let stored: Stored = { databases: {} };
  if (text !== undefined) {
    try {
      stored = JSON.parse(text) as Stored;
    } catch (error) {
      throw new Error(`${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  const known = stored.databases?.[name];
  if (known && typeof known.id === 'string' && typeof known.creationDate === 'string') return { name, ...known };
  const fresh = { id: uuidFromBytes(Array.from({ length: 16 }, randomByte)), creationDate: new Date(nowMs).toISOString() };
  await files.writeAtomic(path, JSON.stringify({ databases: { ...stored.databases, [name]: fresh } }, null, 2) + '\n');
  return { name, ...fresh };
}
