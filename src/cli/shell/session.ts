// The shell's connection state: one driver session (switched by :use), an optional explicit
// transaction (:begin/:commit/:rollback), the parameters set with :param, and the output format.
// Statements run one at a time; the caller decides whether an error stops the script.

import neo4j, { type Driver, type Session, type Transaction } from 'neo4j-driver';
import { formatPlain, formatValue, formatVerbose, type ResultToFormat } from './format.js';
import { splitStatements, type ShellItem } from './statements.js';

export type OutputFormat = 'plain' | 'verbose';

export interface ShellOutput {
  out(text: string): void;
  err(text: string): void;
}

export class ShellCommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShellCommandError';
  }
}

export const HELP_TEXT = [
  'Available commands:',
  '  :begin    Open a transaction',
  '  :commit   Commit the currently open transaction',
  '  :exit     Exit the shell',
  '  :help     Show this help message',
  '  :history  Print a list of the last commands executed (":history clear" forgets them)',
  '  :param    Set the value of a query parameter: ":param name => expression" or ":param {name: expression, ...}"',
  '  :params   Print all query parameters and their values (":params clear" removes them)',
  '  :rollback Rollback the currently open transaction',
  '  :source   Executes Cypher statements from a file: ":source movies.cypher"',
  '  :use      Set the active database: ":use movies"',
  '',
].join('\n');

export interface ShellSessionOptions {
  readonly driver: Driver;
  readonly username: string;
  readonly database?: string;
  readonly format: OutputFormat;
  readonly output: ShellOutput;
  /** session access mode, as cypher-shell's --access-mode (default write) */
  readonly accessMode?: 'read' | 'write';
  /** reads a script for :source */
  readonly readScript?: (path: string) => Promise<string>;
}

/** :history keeps this many entries; older ones are dropped. */
const MAX_HISTORY = 500;

/** :source files may source others; a cycle must not recurse forever. */
const MAX_SOURCE_DEPTH = 10;

export type ItemOutcome = 'continue' | 'exit';

export class ShellSession {
  private session: Session;
  private transaction: Transaction | undefined;
  private database: string | undefined;
  /** the name the server reported for the database we are using (prompt display) */
  private databaseName: string;
  private readonly params = new Map<string, unknown>();
  private sourceDepth = 0;
  /** what was entered this session, oldest first, for :history */
  private readonly history: string[] = [];

  constructor(private readonly options: ShellSessionOptions) {
    this.database = options.database;
    this.databaseName = options.database ?? 'neo4j';
    this.session = this.openSession();
  }

  /** the server agent and Bolt version learned by the connect probe, for the welcome line */
  serverAgent = '';
  protocolVersion = '';

  /** cypher-shell's connect probe: proves credentials and learns the real database name. */
  async connect(): Promise<void> {
    const result = await this.session.run('RETURN 1');
    const name = result.summary.database.name;
    if (name !== undefined && name !== null && name !== '') this.databaseName = name;
    this.serverAgent = result.summary.server.agent ?? '';
    const version = result.summary.server.protocolVersion;
    this.protocolVersion = version === undefined ? '' : String(version);
  }

  prompt(continuation: boolean): string {
    const head = `${this.options.username}@${this.databaseName}`;
    if (continuation) return `${' '.repeat(head.length)}> `;
    return `${head}${this.transaction === undefined ? '>' : '#'} `;
  }

  get inTransaction(): boolean {
    return this.transaction !== undefined;
  }

  async run(item: ShellItem): Promise<ItemOutcome> {
    if (item.kind === 'command') {
      if (!/^:history\b/.test(item.text)) this.remember(item.text);
      return this.runCommand(item.text);
    }
    this.remember(`${item.text};`);
    await this.runCypher(item.text);
    return 'continue';
  }

  private remember(entry: string): void {
    this.history.push(entry);
    if (this.history.length > MAX_HISTORY) this.history.shift();
  }

  async runCypher(text: string): Promise<void> {
    const params = Object.fromEntries(this.params);
    const runner = this.transaction ?? this.session;
    const result = runner.run(text, params);
    const columns = await result.keys();
    const { records, summary } = await result;
    const formatted: ResultToFormat = {
      columns,
      rows: records.map((record) => columns.map((c) => record.get(c))),
      availableAfterMs: Number(summary.resultAvailableAfter ?? 0),
      consumedAfterMs: Number(summary.resultConsumedAfter ?? 0),
      updates: summary.counters.updates(),
    };
    const name = summary.database.name;
    if (name !== undefined && name !== null && name !== '') this.databaseName = name;
    const text2 = this.options.format === 'plain' ? formatPlain(formatted) : formatVerbose(formatted);
    if (text2 !== '') this.options.output.out(text2);
  }

  private async runCommand(text: string): Promise<ItemOutcome> {
    const match = /^:(\S+)\s*(.*)$/s.exec(text);
    const name = (match?.[1] ?? '').toLowerCase();
    const arg = (match?.[2] ?? '').trim();
    switch (name) {
      case 'exit':
      case 'quit':
        return 'exit';
      case 'help':
        this.options.output.out(HELP_TEXT);
        return 'continue';
      case 'history':
        if (arg === 'clear') this.history.length = 0;
        else this.printHistory();
        return 'continue';
      case 'begin':
        if (this.transaction !== undefined) throw new ShellCommandError('There is already an open transaction');
        this.transaction = this.session.beginTransaction();
        return 'continue';
      case 'commit': {
        const tx = this.requireTransaction();
        this.transaction = undefined;
        await tx.commit();
        return 'continue';
      }
      case 'rollback': {
        const tx = this.requireTransaction();
        this.transaction = undefined;
        await tx.rollback();
        return 'continue';
      }
      case 'param':
        await this.setParam(arg);
        return 'continue';
      case 'params':
        if (arg === 'clear') this.params.clear();
        else this.printParams();
        return 'continue';
      case 'use':
        await this.use(arg);
        return 'continue';
      case 'source':
        return this.source(arg);
      default:
        throw new ShellCommandError(`Could not find command ${text.split(/\s/)[0] ?? text}, use :help to see available commands`);
    }
  }

  private async source(path: string): Promise<ItemOutcome> {
    if (path === '') throw new ShellCommandError('Incorrect number of arguments. usage: :source <filename>');
    if (this.options.readScript === undefined) throw new ShellCommandError(':source is not available here');
    if (this.sourceDepth >= MAX_SOURCE_DEPTH) throw new ShellCommandError(`:source nested more than ${MAX_SOURCE_DEPTH} levels deep`);
    const text = await this.options.readScript(path);
    this.sourceDepth++;
    try {
      for (const item of splitStatements(text)) {
        if ((await this.run(item)) === 'exit') return 'exit';
      }
      return 'continue';
    } finally {
      this.sourceDepth--;
    }
  }

  private requireTransaction(): Transaction {
    if (this.transaction === undefined) throw new ShellCommandError('There is no open transaction to commit or roll back');
    return this.transaction;
  }

  /** Values are evaluated on the server, so `:param now => datetime()` works as in cypher-shell. */
  private async setParam(arg: string): Promise<void> {
    if (arg === '' ) {
      this.printParams();
      return;
    }
    if (arg === 'clear') {
      this.params.clear();
      return;
    }
    const arrow = /^(`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)\s*(=>|:)\s*(.+)$/s.exec(arg);
    if (arrow !== null) {
      const rawName = arrow[1] as string;
      const name = rawName.startsWith('`') ? rawName.slice(1, -1) : rawName;
      const value = await this.evaluate(`RETURN ${arrow[3]} AS value`);
      this.params.set(name, value);
      return;
    }
    if (arg.startsWith('{')) {
      const value = await this.evaluate(`RETURN ${arg} AS value`);
      if (value === null || typeof value !== 'object' || Array.isArray(value) || neo4j.isInt(value)) {
        throw new ShellCommandError('Incorrect usage: the expression must evaluate to a map, e.g. :param {a: 1}');
      }
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) this.params.set(k, v);
      return;
    }
    throw new ShellCommandError('Incorrect usage. usage: :param name => expression, or :param {name: expression}');
  }

  private async evaluate(query: string): Promise<unknown> {
    const runner = this.transaction ?? this.session;
    const { records } = await runner.run(query, Object.fromEntries(this.params));
    return records[0]?.get('value') ?? null;
  }

  private printHistory(): void {
    const width = String(this.history.length).length;
    const lines = this.history.map((entry, i) => ` ${String(i + 1).padStart(width)}  ${entry.replace(/\n/g, '\n' + ' '.repeat(width + 3))}`);
    if (lines.length > 0) this.options.output.out(lines.join('\n') + '\n');
  }

  private printParams(): void {
    const lines = [...this.params].map(([k, v]) => `:param ${/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : `\`${k}\``} => ${formatValue(v)}`);
    if (lines.length > 0) this.options.output.out(lines.join('\n') + '\n');
  }

  private async use(arg: string): Promise<void> {
    if (this.transaction !== undefined) throw new ShellCommandError('There is an open transaction. You need to close it before you can switch database.');
    const database = arg.replace(/^`|`$/g, '');
    const previous = { session: this.session, database: this.database, databaseName: this.databaseName };
    this.database = database === '' ? undefined : database;
    this.databaseName = this.database ?? 'neo4j';
    this.session = this.openSession();
    try {
      await this.connect();
    } catch (error) {
      // Like cypher-shell, a database that cannot be used leaves the shell where it was.
      await this.session.close().catch(() => undefined);
      Object.assign(this, previous);
      throw error;
    }
    await previous.session.close();
  }

  private openSession(): Session {
    return this.options.driver.session({
      defaultAccessMode: this.options.accessMode === 'read' ? neo4j.session.READ : neo4j.session.WRITE,
      ...(this.database === undefined ? {} : { database: this.database }),
    });
  }

  async close(): Promise<void> {
    const tx = this.transaction;
    this.transaction = undefined;
    if (tx !== undefined && tx.isOpen()) await tx.rollback().catch(() => undefined);
    await this.session.close();
  }
}
