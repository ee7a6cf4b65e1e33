// The system database on disk: <data>/dbms/system.json holds the state after the last applied
// command (rewritten atomically and durably after every change; the state is small). Changes
// enter only through submit(). On a core member they go through the cluster's Raft log first
// (replicated()): the commands are plain data and applySystemCommand is deterministic, so every
// member applies the same changes in the same order; the file also records the raft index of
// the newest replicated change, so a restart skips what it already holds.

import { Neo4jError, Status } from '../../core/errors.js';
import type { SideState } from '../../cluster/graph-state-machine.js';
import type { TextFileStore } from '../auth/users.js';
import { applySystemCommand, EMPTY_SYSTEM_STATE, parseSystemState, serializeSystemState, type SystemCommand, type SystemState, type SystemUser } from './state.js';
import { initialCommands } from './privileges.js';

const FORMAT_VERSION = 1;

/** What system.json holds: the state, and the raft index of the newest replicated change in it. */
export interface SystemFile {
  readonly state: SystemState;
  readonly raftIndex: number;
}

/** system.json's text (also the form the store tools back up, dump and restore) */
export function encodeSystemFile(state: SystemState, raftIndex: number): string {
  return `${JSON.stringify({ version: FORMAT_VERSION, state: serializeSystemState(state), raftIndex }, null, 1)}\n`;
}

/** throws with the reason when `text` is not a system.json this version reads */
export function decodeSystemFile(text: string): SystemFile {
  const parsed = JSON.parse(text) as { version?: unknown; state?: unknown; raftIndex?: unknown };
  if (parsed.version !== FORMAT_VERSION) throw new Error(`unknown format version ${String(parsed.version)}`);
  return { state: parseSystemState(parsed.state), raftIndex: typeof parsed.raftIndex === 'number' ? parsed.raftIndex : 0 };
}

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

  /** a core member: changes are proposed to the cluster's log and applied when they come back */
  private replicate: ((change: Uint8Array) => Promise<void>) | undefined;
  /** raft index of the newest replicated change applied (0: none) */
  private raftIndex: number;

  private constructor(private readonly path: string, private readonly files: TextFileStore, private current: SystemState, raftIndex = 0) {
    this.raftIndex = raftIndex;
  }

  /**
   * Opens the system database at `path`, creating it on first start with the built-in roles and
   * `initialAdmin()` (called only then), or migrating `legacyUsers` (the users of an older
   * auth.json: neo4j becomes admin).
   */
  static async open(path: string, files: TextFileStore, initialAdmin: () => Promise<InitialAdmin>, legacyUsers?: readonly InitialAdmin[]): Promise<SystemDatabase> {
    const text = await files.read(path);
    if (text !== undefined) {
      let file: SystemFile;
      try {
        file = decodeSystemFile(text);
      } catch (error) {
        throw new Neo4jError(Status.StorageFailure, `The system database ${path} is unreadable: ${(error as Error).message}`);
      }
      return new SystemDatabase(path, files, file.state, file.raftIndex);
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

  /**
   * Applies `commands` in order and makes the result durable before resolving; on a core member,
   * once the cluster has committed them and this member has applied them.
   */
  submit(commands: readonly SystemCommand[]): Promise<SystemState> {
    const replicate = this.replicate;
    if (replicate !== undefined) {
      const change = new TextEncoder().encode(JSON.stringify(commands));
      return replicate(change).then(() => this.writing).then(() => this.current);
    }
    const run = this.writing.then(async () => {
      let state = this.current;
      for (const command of commands) state = applySystemCommand(state, command);
      await this.persist(state);
      this.current = state;
      for (const listener of this.listeners) listener(commands, state);
      return state;
    });
    this.writing = run.then(() => undefined, () => undefined);
    return run;
  }

  /**
   * Makes this a core member's system database: submit() proposes changes through `replicate`
   * (the cluster's log), and the returned side state is what the member applies in log order.
   */
  replicated(replicate: (change: Uint8Array) => Promise<void>): SideState {
    this.replicate = replicate;
    return {
      apply: (change, index) => {
        if (index <= this.raftIndex) return; // held since before a restart
        const commands = JSON.parse(new TextDecoder().decode(change)) as SystemCommand[];
        let state = this.current;
        for (const command of commands) state = applySystemCommand(state, command);
        this.adopt(state, index, commands);
      },
      image: () => new TextEncoder().encode(JSON.stringify(serializeSystemState(this.current))),
      appliedIndex: () => this.raftIndex,
      restore: (image, index) => {
        if (index <= this.raftIndex) return;
        let state: SystemState;
        try {
          state = parseSystemState(JSON.parse(new TextDecoder().decode(image)));
        } catch (error) {
          throw new Error(`invariant violated: unreadable system database image in a cluster snapshot: ${(error as Error).message}`);
        }
        this.adopt(state, index, []);
      },
    };
  }

  /** a replicated state in force from now on; written to the file in order, behind earlier writes */
  private adopt(state: SystemState, index: number, commands: readonly SystemCommand[]): void {
    this.current = state;
    this.raftIndex = index;
    for (const listener of this.listeners) listener(commands, state);
    // Written behind the apply: a crash before the write replays the change from the log (or
    // the snapshot that covers it), since the file's raftIndex is older.
    this.writing = this.writing.then(() => this.persist(state, index)).catch(() => undefined);
  }

  private persist(state: SystemState, raftIndex = this.raftIndex): Promise<void> {
    return this.files.writeAtomic(this.path, encodeSystemFile(state, raftIndex));
  }
}
