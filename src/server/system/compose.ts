// Puts the system database's pieces together for the server: open (or create, or migrate) the
// store, the authenticator, privilege checks in front of the executor, the admin command
// handler, the SHOW sources and the 3.5 procedures, and logs/security.log. server.ts calls
// composeSecurity once and uses what it returns.

import type { Authenticator } from '../../bolt/services.js';
import type { AdminCommandHandler, QueryExecutor, StatementAccess } from '../../execution/api.js';
import type { GraphTx } from '../../graph/api.js';
import type { ShowSource } from '../../cypher/runtime/show.js';
import type { Clock } from '../../env/clock.js';
import { BasicAuthenticator, DisabledAuthenticator } from '../auth/authenticator.js';
import { createPasswordHasher, VerifiedCredentialsCache, type CryptoPrimitives } from '../auth/password.js';
import { parseUsers, type TextFileStore } from '../auth/users.js';
import { adminCommandHandler, type AdminContext } from './admin.js';
import { SystemCredentials } from './credentials.js';
import { PrivilegeCheckingExecutor } from './enforce.js';
import { initialAdmin, systemDatabasePath } from './initial-password.js';
import { passwordPolicy } from './password-policy.js';
import { allows, mayImpersonate, principalOf, rolesText } from './privileges.js';
import { Neo4jError, Status } from '../../core/errors.js';
import { securityProcedures } from './procedures.js';
import { SecurityLog } from './security-log.js';
import { systemShowSources } from './show.js';
import { SystemDatabase } from './store.js';
import { databaseCommandHandler } from './database-admin.js';
import { showAliasesSource, type DatabaseManager } from './databases.js';

export interface SecurityOptions {
  readonly dataDir: string;
  readonly authEnabled: boolean;
  /** NEO4J_AUTH's password (already checked by the configuration) */
  readonly initialPassword?: string;
  readonly defaultDatabase: string;
  readonly raw: ReadonlyMap<string, string>;
  readonly files: TextFileStore;
  readonly crypto: CryptoPrimitives;
  readonly clock: Pick<Clock, 'monotonicMs' | 'wallMs'>;
  /** appends one line to logs/security.log */
  readonly securityLogSink: (line: string) => void;
  /** the user running a transaction (Bolt sessions and the HTTP endpoint record it) */
  userOf(tx: GraphTx): string | undefined;
}

/** What an engine offers the system database. */
export interface AdminCapableEngine {
  registerShowSource?(target: string, source: ShowSource): void;
  registerAdminHandler?(handler: AdminCommandHandler): void;
  statementAccess?(text: string): StatementAccess;
}

/** What the database and alias commands work on. */
export interface DatabaseAdministration {
  readonly manager: DatabaseManager;
  /** CORE / READ_REPLICA: creating, dropping, starting and stopping databases is refused */
  readonly clusterMode?: string;
  advertisedBolt(): string;
  randomByte(): number;
}

export interface Security {
  readonly system: SystemDatabase;
  readonly authenticator: Authenticator;
  /**
   * The executor Bolt and HTTP use: privilege checks (when auth is enabled) and the system
   * database's rules in front of `executor`; registers the admin handler (with the database and
   * alias commands run against `databases.manager`), SHOW sources and 3.5 procedures.
   */
  secure(executor: QueryExecutor, engine: AdminCapableEngine, databases: DatabaseAdministration): QueryExecutor;
  /** the user's home database, if set (SHOW HOME DATABASE) */
  homeDatabaseOf(tx: GraphTx): string | null;
  /** whether the user running `tx` has ACCESS to `database` (SHOW DATABASES lists only those, as Neo4j) */
  mayAccess(tx: GraphTx, database: string): boolean;
  /** whether `username` may see and stop other users' transactions */
  managesTransactions(username: string): boolean;
  /**
   * Checks that `username` may run as `target` (IMPERSONATE): throws Forbidden when not, or when
   * `target` is no active user. Returns the user statements then run as.
   */
  impersonate(username: string, target: string): string;
}

export async function composeSecurity(options: SecurityOptions): Promise<Security> {
  const { files, dataDir } = options;
  const hasher = createPasswordHasher(options.crypto);
  const legacyText = await files.read(`${dataDir}/dbms/auth.json`);
  const legacy = legacyText === undefined ? undefined
    : [...parseUsers(legacyText, `${dataDir}/dbms/auth.json`).values()].map((u) => ({ name: u.name, passwordHash: u.passwordHash, passwordChangeRequired: u.passwordChangeRequired }));
  const system = await SystemDatabase.open(systemDatabasePath(dataDir), files,
    () => initialAdmin(dataDir, files, hasher, options.initialPassword), legacy);
  const log = new SecurityLog(options.securityLogSink, options.clock.wallMs);
  const policy = passwordPolicy(options.raw);
  const context: AdminContext = {
    system, hasher, policy, authEnabled: options.authEnabled, defaultDatabase: options.defaultDatabase, userOf: options.userOf,
    audit: (actor, commands) => log.changed(actor, commands),
  };
  const authenticator: Authenticator = options.authEnabled
    ? new BasicAuthenticator(new SystemCredentials(system, hasher, new VerifiedCredentialsCache(options.crypto)), options.clock, undefined, (event) => log.login(event))
    : new DisabledAuthenticator();
  return {
    system,
    authenticator,
    secure(executor, engine, databases) {
      const { manager } = databases;
      const databaseCommands = databaseCommandHandler({
        admin: context, manager, wallMs: options.clock.wallMs, randomByte: databases.randomByte, advertisedBolt: databases.advertisedBolt,
        ...(databases.clusterMode === undefined ? {} : { clusterMode: databases.clusterMode }),
      });
      const handler = adminCommandHandler({ ...context, databaseCommands });
      engine.registerShowSource?.('ALIASES', showAliasesSource(() => system.state));
      engine.registerAdminHandler?.(handler);
      for (const [target, source] of systemShowSources(context)) engine.registerShowSource?.(target, source);
      for (const procedure of securityProcedures(context, handler)) executor.registerProcedure(procedure);
      const statementAccess = engine.statementAccess?.bind(engine);
      // Without a way to see what a statement does, privileges cannot be checked: refuse to start rather than run open.
      if (!statementAccess) throw new Error('The query engine cannot describe statements (statementAccess); privileges could not be enforced');
      return new PrivilegeCheckingExecutor(executor, {
        system, authEnabled: options.authEnabled, databaseOf: (tx) => manager.nameOf(tx), resolveName: (name) => manager.databaseNamed(name),
        defaultDatabase: options.defaultDatabase, userOf: options.userOf, statementAccess,
      });
    },
    homeDatabaseOf(tx) {
      const name = options.userOf(tx);
      return (name === undefined ? undefined : system.user(name)?.homeDatabase) ?? null;
    },
    mayAccess(tx, database) {
      if (!options.authEnabled || database === 'system') return true;
      const name = options.userOf(tx);
      const user = name === undefined ? undefined : system.user(name);
      return user !== undefined && allows(system.state, principalOf(user), 'access', { database, defaultDatabase: options.defaultDatabase });
    },
    impersonate(username, target) {
      const impersonated = system.user(target);
      if (!impersonated || impersonated.suspended) {
        throw new Neo4jError(Status.Forbidden, `Impersonation failed: the user '${target}' does not exist or is suspended.`);
      }
      if (!options.authEnabled) return target;
      const user = system.user(username);
      const principal = user === undefined ? undefined : principalOf(user);
      if (!principal || !mayImpersonate(system.state, principal, target)) {
        throw new Neo4jError(Status.Forbidden,
          `Impersonating user '${target}' is not allowed for user '${username}'${principal ? ` with roles ${rolesText(principal)}` : ''}.`);
      }
      return target;
    },
    managesTransactions(username) {
      if (!options.authEnabled) return true;
      const user = system.user(username);
      return user !== undefined && allows(system.state, principalOf(user), 'transaction_management', { database: options.defaultDatabase, defaultDatabase: options.defaultDatabase });
    },
  };
}
