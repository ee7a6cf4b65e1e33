// The system database on disk: <data>/dbms/system.json holds the state after the last applied
// command (rewritten atomically and durably after every change; the state is small). Changes
// enter only through submit(), which a cluster can later route through its Raft log: the
// commands are plain data and applySystemCommand is deterministic.

import { Neo4jError, Status } from '../../core/errors.js';
import type { TextFileStore } from '../auth/users.js';
import { applySystemCommand, EMPTY_SYSTEM_STATE, parseSystemState, serializeSystemState, type SystemCommand, type SystemState, type SystemUser } from './state.js';
import { initialCommands } from './privileges.js';

const FORMAT_VERSION = 1;

/** Where a fresh system database's first user comes from. */
export interface InitialAdmin {
  readonly name: string;
  readonly passwordHash: string;
  readonly passwordChangeRequired: boolean;
}

/** Told about every change after it is durable (security.log, caches). */
export type SystemChangeListener = (commands: readonly SystemCommand[], state: SystemState) => void;

export class SystemDatabase {
  private listeners: SystemChangeListener[] = [];
  /** submits are serialised so the file always holds a prefix of the applied commands */
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly path: string, private readonly files: TextFileStore, private current: SystemState) {}

  /**
   * Opens the system database at `path`, creating it on first start with the built-in roles and
   * `initialAdmin()` (called only then), or migrating `legacyUsers` (the users of an older
   * auth.json: neo4j becomes admin).
   */
  static async open(path: string, files: TextFileStore, initialAdmin: () => Promise<InitialAdmin>, legacyUsers?: readonly InitialAdmin[]): Promise<SystemDatabase> {
    const text = await files.read(path);
    if (text !== undefined) {
      let state: SystemState;
      try {
        const parsed = JSON.parse(text) as { version?: unknown; state?: unknown };
        if (parsed.version !== FORMAT_VERSION) throw new Error(`unknown format version ${String(parsed.version)}`);
        state = parseSystemState(parsed.state);
      } catch (error) {
        throw new Neo4jError(Status.StorageFailure, `The system database ${path} is unreadable: ${(error as Error).message}`);
      }
      return new SystemDatabase(path, files, state);
    }
    const db = new SystemDatabase(path, files, EMPTY_SYSTEM_STATE);
    const toUser = (u: InitialAdmin, roles: string[]): SystemUser => ({ ...u, suspended: false, homeDatabase: null, roles });
    if (legacyUsers && legacyUsers.length > 0) {
      const [first, ...rest] = [...legacyUsers].sort((a, b) => (a.name === 'neo4j' ? -1 : b.name === 'neo4j' ? 1 : a.name < b.name ? -1 : 1));
      await db.submit([
        ...initialCommands(toUser(first!, ['admin'])),
        ...rest.map((u): SystemCommand => ({ type: 'createUser', user: toUser(u, []) })),
      ]);
    } else {
      await db.submit(initialCommands(toUser(await initialAdmin(), ['admin'])));
    }
    return db;
  }

  get state(): SystemState {
    return this.current;
  }

  user(name: string): SystemUser | undefined {
    return this.current.users.get(name);
  }

  onChange(listener: SystemChangeListener): void {
    this.listeners.push(listener);
  }

  /** Applies `commands` in order and makes the result durable before resolving. */
  submit(commands: readonly SystemCommand[]): Promise<SystemState> {
    const run = this.writing.then(async () => {
      let state = this.current;
      for (const command of commands) state = applySystemCommand(state, command);
      await this.files.writeAtomic(this.path, `${JSON.stringify({ version: FORMAT_VERSION, state: serializeSystemState(state) }, null, 1)}\n`);
      this.current = state;
      for (const listener of this.listeners) listener(commands, state);
      return state;
    });
    this.writing = run.then(() => undefined, () => undefined);
    return run;
  }
}
