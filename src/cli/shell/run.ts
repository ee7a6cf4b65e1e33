// `causeway shell`: a cypher-shell stand-in. Resolves flags and NEO4J_* variables, connects with
// neo4j-driver, then either runs one statement, a script (file or piped stdin, fail-fast), or an
// interactive prompt. Returns the process exit code; never calls process.exit itself.

import neo4j, { type Driver } from 'neo4j-driver';
import { createInterface } from 'node:readline';
import { TerminalPrompter } from './prompt.js';
import type { Readable, Writable } from 'node:stream';
import { StatementSplitter } from './statements.js';
import { ShellCommandError, ShellSession, type OutputFormat, type ShellOutput } from './session.js';
import { CAUSEWAY_VERSION } from '../version.js';

export interface ShellFlags {
  readonly address?: string;
  readonly username?: string;
  readonly password?: string;
  readonly database?: string;
  readonly format?: string;
  readonly nonInteractive?: boolean;
  readonly file?: string;
  /** a statement given on the command line: run it and exit */
  readonly cypher?: string;
  /** shell commands (from -P) run right after connecting */
  readonly preamble?: string;
  /** run every statement and fail at the end, instead of stopping at the first error */
  readonly failAtEnd?: boolean;
  readonly accessMode?: string;
  /** cypher-shell's --encryption: true, false, or default (follow the URI scheme) */
  readonly encryption?: string;
  /** ask for a new password and change it, then exit */
  readonly changePassword?: boolean;
}

export interface ShellEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stdinIsTTY: boolean;
  readonly stdoutIsTTY: boolean;
  readonly output: ShellOutput;
  readonly readTextFile: (path: string) => Promise<string>;
}

export const DEFAULT_ADDRESS = 'neo4j://localhost:7687';

/** cypher-shell accepts a bare `host:port` (or host) and treats it as a neo4j:// address. */
export function normalizeAddress(address: string): string {
  const trimmed = address.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return trimmed;
  return `neo4j://${trimmed}`;
}

export interface ResolvedShellOptions {
  readonly uri: string;
  readonly username: string;
  readonly password: string | undefined;
  readonly database: string | undefined;
  readonly format: OutputFormat;
  readonly interactive: boolean;
  readonly accessMode: 'read' | 'write';
  /** undefined: let the URI scheme decide (neo4j+s://, bolt+ssc:// …) */
  readonly encrypted?: boolean;
}

export function resolveShellOptions(flags: ShellFlags, env: ShellEnvironment['env'], stdinIsTTY: boolean): ResolvedShellOptions {
  const address = flags.address ?? env['NEO4J_ADDRESS'] ?? env['NEO4J_URI'] ?? DEFAULT_ADDRESS;
  const interactive = stdinIsTTY && flags.nonInteractive !== true && flags.file === undefined && flags.cypher === undefined;
  const format = flags.format ?? 'auto';
  if (format !== 'auto' && format !== 'plain' && format !== 'verbose') {
    throw new ShellCommandError(`argument --format: invalid choice: '${format}' (choose from 'auto', 'verbose', 'plain')`);
  }
  const database = flags.database ?? env['NEO4J_DATABASE'];
  const accessMode = (flags.accessMode ?? 'write').toLowerCase();
  if (accessMode !== 'read' && accessMode !== 'write') {
    throw new ShellCommandError(`argument --access-mode: invalid choice: '${flags.accessMode}' (choose from 'read', 'write')`);
  }
  const encryption = (flags.encryption ?? 'default').toLowerCase();
  if (encryption !== 'true' && encryption !== 'false' && encryption !== 'default') {
    throw new ShellCommandError(`argument --encryption: invalid choice: '${flags.encryption}' (choose from 'true', 'false', 'default')`);
  }
  const uri = normalizeAddress(address);
  // The driver refuses an encryption setting together with a +s/+ssc scheme, so only plain schemes take one.
  const schemeDecides = /^[a-z0-9]+\+s{1,2}c?:\/\//i.test(uri);
  if (encryption !== 'default' && schemeDecides) {
    throw new ShellCommandError(`--encryption ${encryption} conflicts with the encryption the address scheme of ${uri} already chooses`);
  }
  return {
    ...(encryption === 'default' ? {} : { encrypted: encryption === 'true' }),
    uri,
    username: flags.username ?? env['NEO4J_USERNAME'] ?? 'neo4j',
    password: flags.password ?? env['NEO4J_PASSWORD'],
    database: database === undefined || database === '' ? undefined : database,
    format: format === 'auto' ? (interactive ? 'verbose' : 'plain') : format,
    interactive,
    accessMode,
  };
}

function describeError(error: unknown, uri?: string): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ServiceUnavailable' && uri !== undefined) {
      // cypher-shell's wording; the driver's own message (routing table dumps) helps nobody here.
      const target = uri.replace(/^[a-z0-9+]+:\/\//i, '').replace(/\/.*$/, '');
      return `Unable to connect to ${target}, ensure the database is running and that there is a working network connection to it.`;
    }
    return error.message;
  }
  return String(error);
}

interface Connection {
  readonly driver: Driver;
  readonly shell: ShellSession;
}

async function connect(options: ResolvedShellOptions, environment: ShellEnvironment): Promise<Connection> {
  const { output } = environment;
  const auth = neo4j.auth.basic(options.username, options.password ?? '');
  const driver = neo4j.driver(options.uri, auth, {
    userAgent: `causeway-shell/${CAUSEWAY_VERSION}`,
    connectionTimeout: 30_000,
    ...(options.encrypted === undefined ? {} : { encrypted: options.encrypted ? 'ENCRYPTION_ON' : 'ENCRYPTION_OFF' }),
  });
  const shell = new ShellSession({
    driver,
    username: options.username,
    format: options.format,
    output,
    accessMode: options.accessMode,
    readScript: environment.readTextFile,
    ...(options.database === undefined ? {} : { database: options.database }),
  });
  try {
    await shell.connect();
    return { driver, shell };
  } catch (error) {
    await shell.close().catch(() => undefined);
    await driver.close().catch(() => undefined);
    throw error;
  }
}

function isUnauthorized(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'Neo.ClientError.Security.Unauthorized';
}

/**
 * cypher-shell's --change-password: ask for the new password twice on the terminal, then run
 * ALTER CURRENT USER SET PASSWORD against the system database and exit.
 */
async function changePassword(flags: ShellFlags, environment: ShellEnvironment): Promise<number> {
  const { output } = environment;
  if (!environment.stdinIsTTY) {
    output.err('--change-password asks for the new password on a terminal; run it interactively\n');
    return 1;
  }
  let options = resolveShellOptions({ ...flags, cypher: '' }, environment.env, true);
  const prompter = new TerminalPrompter(environment.stdin, environment.stdout);
  let newPassword: string;
  try {
    const username = flags.username ?? environment.env['NEO4J_USERNAME'] ?? (await prompter.ask('username: ', false));
    const password = options.password ?? (await prompter.ask('password: ', true));
    newPassword = await prompter.ask('new password: ', true);
    const confirmation = await prompter.ask('confirm password: ', true);
    if (newPassword !== confirmation) {
      output.err('Passwords are not matching.\n');
      return 1;
    }
    options = { ...options, username: username === '' ? 'neo4j' : username, password };
  } finally {
    prompter.close();
  }
  try {
    await alterCurrentPassword(options, newPassword);
    return 0;
  } catch (error) {
    output.err(describeError(error, options.uri) + '\n');
    return 1;
  }
}

/** Runs ALTER CURRENT USER SET PASSWORD against the system database as `options`' user. */
async function alterCurrentPassword(options: ResolvedShellOptions, newPassword: string): Promise<void> {
  const driver = neo4j.driver(options.uri, neo4j.auth.basic(options.username, options.password ?? ''), {
    userAgent: `causeway-shell/${CAUSEWAY_VERSION}`,
    ...(options.encrypted === undefined ? {} : { encrypted: options.encrypted ? 'ENCRYPTION_ON' : 'ENCRYPTION_OFF' }),
  });
  const session = driver.session({ database: 'system', defaultAccessMode: neo4j.session.WRITE });
  try {
    await session.run('ALTER CURRENT USER SET PASSWORD FROM $old TO $new', { old: options.password ?? '', new: newPassword });
  } finally {
    await session.close().catch(() => undefined);
    await driver.close().catch(() => undefined);
  }
}

function isCredentialsExpired(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'Neo.ClientError.Security.CredentialsExpired';
}

/**
 * cypher-shell on a terminal, when the password must change first (a fresh server's neo4j/neo4j):
 * "Password change required", the new password twice, the change, then the connection with it.
 */
async function changeExpiredPassword(options: ResolvedShellOptions, environment: ShellEnvironment): Promise<ResolvedShellOptions> {
  const prompter = new TerminalPrompter(environment.stdin, environment.stdout);
  let newPassword: string;
  try {
    environment.output.out('Password change required\n');
    newPassword = await prompter.ask('new password: ', true);
    const confirmation = await prompter.ask('confirm password: ', true);
    if (newPassword !== confirmation) throw new Error('Passwords are not matching.');
  } finally {
    prompter.close();
  }
  await alterCurrentPassword(options, newPassword);
  return { ...options, password: newPassword };
}

export async function runShell(flags: ShellFlags, environment: ShellEnvironment): Promise<number> {
  const { output } = environment;
  if (flags.changePassword === true) return changePassword(flags, environment);
  let options: ResolvedShellOptions;
  let connection: Connection;
  let uri: string | undefined;
  try {
    options = resolveShellOptions(flags, environment.env, environment.stdinIsTTY);
    uri = options.uri;
    try {
      connection = await connect(options, environment);
    } catch (error) {
      // cypher-shell asks for credentials when the server refuses the ones it has, on a terminal.
      if (!isUnauthorized(error) || !options.interactive) throw error;
      const prompter = new TerminalPrompter(environment.stdin, environment.stdout);
      try {
        const username = flags.username ?? (await prompter.ask('username: ', false));
        const password = await prompter.ask('password: ', true);
        options = { ...options, username: username === '' ? options.username : username, password };
      } finally {
        prompter.close();
      }
      connection = await connect(options, environment);
    }
  } catch (error) {
    if (!isCredentialsExpired(error) || !options!.interactive) {
      output.err(describeError(error, uri) + '\n');
      return 1;
    }
    try {
      options = await changeExpiredPassword(options!, environment);
      connection = await connect(options, environment);
    } catch (changeError) {
      output.err(describeError(changeError, uri) + '\n');
      return 1;
    }
  }
  const { driver, shell } = connection;
  try {
    if (flags.preamble !== undefined) {
      const code = await runScript(shell, [flags.preamble], output, false);
      if (code !== 0) return code;
    }
    const failAtEnd = flags.failAtEnd === true;
    if (flags.cypher !== undefined) return await runScript(shell, [flags.cypher], output, failAtEnd);
    if (flags.file !== undefined) return await runScript(shell, [await environment.readTextFile(flags.file)], output, failAtEnd);
    if (!options.interactive) return await runScript(shell, environment.stdin, output, failAtEnd);
    return await runInteractive(shell, environment, options);
  } catch (error) {
    output.err(describeError(error) + '\n');
    return 1;
  } finally {
    await shell.close().catch(() => undefined);
    await driver.close().catch(() => undefined);
  }
}

/**
 * Scripts fail fast by default: the first failing statement is printed to stderr and the exit code
 * is 1. With failAtEnd every statement runs and the exit code is 1 if any failed.
 */
async function runScript(shell: ShellSession, input: AsyncIterable<string | Buffer> | Iterable<string>, output: ShellOutput, failAtEnd: boolean): Promise<number> {
  const splitter = new StatementSplitter();
  const decoder = new TextDecoder();
  let failed = false;
  const runItems = async (items: ReturnType<StatementSplitter['feed']>): Promise<number | undefined> => {
    for (const item of items) {
      try {
        if ((await shell.run(item)) === 'exit') return failed ? 1 : 0;
      } catch (error) {
        output.err(describeError(error) + '\n');
        failed = true;
        if (!failAtEnd) return 1;
      }
    }
    return undefined;
  };
  for await (const chunk of input) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    const code = await runItems(splitter.feed(text));
    if (code !== undefined) return code;
  }
  const code = await runItems([...splitter.feed(decoder.decode()), ...splitter.finish()]);
  return code ?? (failed ? 1 : 0);
}

async function runInteractive(shell: ShellSession, environment: ShellEnvironment, options: ResolvedShellOptions): Promise<number> {
  const { output } = environment;
  const server = shell.serverAgent === '' ? 'Causeway' : shell.serverAgent;
  const protocol = shell.protocolVersion === '' ? '' : ` using Bolt protocol version ${shell.protocolVersion}`;
  output.out(`Connected to ${server}${protocol} at ${options.uri} as user ${options.username}.\nType :help for a list of available commands or :exit to exit the shell.\nNote that Cypher queries must end with a semicolon.\n`);
  const splitter = new StatementSplitter();
  const rl = createInterface({ input: environment.stdin, output: environment.stdout, terminal: environment.stdinIsTTY });
  try {
    rl.setPrompt(shell.prompt(false));
    // Ctrl-C drops the statement being typed instead of pausing the prompt.
    rl.on('SIGINT', () => {
      if (!splitter.pending) output.out('\nInterrupted (Note that Cypher queries must end with a semicolon. Type :exit to exit the shell.)');
      splitter.reset();
      output.out('\n');
      rl.setPrompt(shell.prompt(false));
      rl.prompt();
    });
    rl.prompt();
    for await (const line of rl) {
      for (const item of splitter.feed(line + '\n')) {
        try {
          if ((await shell.run(item)) === 'exit') return 0;
        } catch (error) {
          output.err(describeError(error) + '\n');
        }
      }
      rl.setPrompt(shell.prompt(splitter.pending));
      rl.prompt();
    }
    output.out('\n');
    return 0;
  } finally {
    rl.close();
  }
}
