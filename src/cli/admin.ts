// `causeway admin set-initial-password <password> [--require-password-change]` (Neo4j 3.5's
// `neo4j-admin set-initial-password`) and `causeway admin dbms set-initial-password …` (5.x):
// the neo4j user's password for the server's first start, checked by the same rules as every
// password (not `neo4j`, dbms.security.auth_minimum_password_length characters at least).

import { existsSync } from 'node:fs';
import { Neo4jError } from '../core/errors.js';
import type { ServerConfig } from '../server/config/types.js';
import { createPasswordHasher } from '../server/auth/password.js';
import { initialPasswordLine, initialPasswordPath, systemDatabasePath } from '../server/system/initial-password.js';
import { passwordPolicy } from '../server/system/password-policy.js';
import { nodeCrypto } from '../env/node/crypto-scrypt.js';
import { nodeTextFiles } from '../env/node/server-files.js';

export interface AdminOutput {
  out(text: string): void;
  err(text: string): void;
}

/** Returns the exit code: 0 written, 1 refused (short password, or users exist already). */
export async function setInitialPassword(config: ServerConfig, password: string, requireChange: boolean, output: AdminOutput): Promise<number> {
  const systemPath = systemDatabasePath(config.dataDir);
  if (existsSync(systemPath)) {
    output.err(`command failed: the provided initial password was not set because existing users were found in ${systemPath}. `
      + 'Change passwords with ALTER USER (or remove the data directory to start over).\n');
    return 1;
  }
  let line: string;
  try {
    line = await initialPasswordLine(password, requireChange, passwordPolicy(config.raw), createPasswordHasher(nodeCrypto));
  } catch (error) {
    if (!(error instanceof Neo4jError)) throw error;
    output.err(`command failed: ${error.message}\n`);
    return 1;
  }
  await nodeTextFiles.writeAtomic(initialPasswordPath(config.dataDir), line);
  output.out("Changed password for user 'neo4j'. IMPORTANT: this change will only take effect if performed before the database is started for the first time.\n");
  return 0;
}
