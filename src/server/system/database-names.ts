// Neo4j 5's rules for database and alias names: case-insensitive (stored lower case), 3 to 63
// characters, an ASCII letter first, then ASCII letters, digits, dots and dashes; names starting
// with `system` are reserved. The messages follow Neo4j's.

import { Neo4jError, Status } from '../../core/errors.js';

export const MIN_DATABASE_NAME_LENGTH = 3;
export const MAX_DATABASE_NAME_LENGTH = 63;

/** The stored form of a database or alias name. */
export function normalizeDatabaseName(name: string): string {
  return name.toLowerCase();
}

/** Throws Neo.ClientError.Statement.ArgumentError unless `name` may name a new database or alias. */
export function validateDatabaseName(name: string, what: 'database' | 'alias' = 'database'): string {
  const invalid = (message: string): Neo4jError => new Neo4jError(Status.ArgumentError, message);
  if (name.length === 0) throw invalid(`The provided ${what} name is empty.`);
  if (name.length < MIN_DATABASE_NAME_LENGTH || name.length > MAX_DATABASE_NAME_LENGTH) {
    throw invalid(`The provided ${what} name must have a length between ${MIN_DATABASE_NAME_LENGTH} and ${MAX_DATABASE_NAME_LENGTH} characters.`);
  }
  if (!/^[A-Za-z]/.test(name)) throw invalid(`Database name '${name}' is not starting with an ASCII alphabetic character.`);
  if (!/^[A-Za-z0-9.-]+$/.test(name)) throw invalid(`Database name '${name}' contains illegal characters. Use simple ascii characters, numbers, dots and dashes.`);
  const normalized = normalizeDatabaseName(name);
  if (normalized.startsWith('system')) throw invalid(`Database name '${name}' is invalid, due to the prefix 'system' being reserved for internal databases.`);
  return normalized;
}
