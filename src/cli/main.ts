// The `causeway` command line: the one shell around the server and the client. It parses flags,
// hands real process I/O to the pieces that need it, and turns their outcome into an exit code.

import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError, loadServerConfig } from '../server/config/index.js';
import type { ServerConfig } from '../server/config/types.js';
import { runConsole } from './console.js';
import { setInitialPassword } from './admin.js';
import { clusterDown, clusterStatus, clusterUp, DEFAULT_CLUSTER_DIR, type ClusterCredentials } from './cluster.js';
import { daemonStatus, startDaemon, stopDaemon } from './daemon.js';
import { runShell, type ShellFlags } from './shell/run.js';
import { registerStoreCommands } from './store-commands.js';
import { CAUSEWAY_VERSION, NEO4J_COMPATIBILITY, NEO4J_DRIVER_VERSION } from './version.js';

function readTextFileIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The configuration `console`, `start`, `stop` and `status` share; undefined after reporting an error. */
function loadConfigOrReport(configFile: string | undefined): ServerConfig | undefined {
  try {
    return loadServerConfig({
      env: process.env, cwd: process.cwd(), readTextFile: readTextFileIfExists,
      ...(configFile === undefined ? {} : { configFile: resolve(configFile) }),
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      return undefined;
    }
    throw error;
  }
}

const writeOut = (text: string): void => void process.stdout.write(text);

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('causeway')
    .description('Causeway: a Neo4j-compatible graph database')
    .version(`Causeway ${CAUSEWAY_VERSION}`, '-V, --version', 'print the version')
    .showHelpAfterError();

  program
    .command('console')
    .description('run the server in the foreground (like "neo4j console"); configuration from $NEO4J_HOME/conf/neo4j.conf and NEO4J_* variables')
    .option('-c, --config <file>', 'a neo4j.conf to use instead of $NEO4J_HOME/conf/neo4j.conf, or a TuGraph lgraph.json')
    .action(async (opts: { config?: string }) => {
      const config = loadConfigOrReport(opts.config);
      process.exitCode = config === undefined ? 1 : await runConsole(config);
    });

  program
    .command('shell')
    .description('a cypher-shell compatible Cypher client')
    .argument('[cypher]', 'a Cypher statement to run, then exit')
    .option('-a, --address <address>', 'address and port to connect to (env NEO4J_ADDRESS or NEO4J_URI; default neo4j://localhost:7687)')
    .option('--uri <address>', 'same as --address')
    .option('-u, --username <name>', 'user name to connect as (env NEO4J_USERNAME)')
    .option('-p, --password <password>', 'password to connect with (env NEO4J_PASSWORD)')
    .option('-d, --database <name>', 'database to connect to (env NEO4J_DATABASE)')
    .option('--format <format>', 'output format: auto (table when interactive), verbose (table), plain', 'auto')
    .option('-P, --param <param>', 'add a parameter: "name => expression" (repeatable)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--non-interactive', 'never prompt; read statements from stdin')
    .option('-f, --file <file>', 'run the statements in a file, then exit')
    .option('--fail-fast', 'exit at the first failing statement (the default)')
    .option('--fail-at-end', 'run every statement, then exit 1 if any failed')
    .option('--access-mode <mode>', 'session access mode: read or write', 'write')
    .option('--encryption <mode>', 'true, false, or default (decided by the address scheme)', 'default')
    .option('--change-password', 'ask for a new password (on the terminal), change it, and exit')
    .option('-v, --version', 'print the shell version and exit')
    .option('--driver-version', 'print the Neo4j driver version and exit')
    .action(async (cypher: string | undefined, opts: Record<string, unknown>) => {
      if (opts['version'] === true) {
        process.stdout.write(`causeway shell ${CAUSEWAY_VERSION}\n`);
        return;
      }
      if (opts['driverVersion'] === true) {
        process.stdout.write(`Neo4j Driver ${NEO4J_DRIVER_VERSION}\n`);
        return;
      }
      const address = (opts['address'] ?? opts['uri']) as string | undefined;
      const params = (opts['param'] as string[]).map((p) => `:param ${p}\n`).join('');
      const flags: ShellFlags = {
        ...(address === undefined ? {} : { address }),
        ...(opts['username'] === undefined ? {} : { username: opts['username'] as string }),
        ...(opts['password'] === undefined ? {} : { password: opts['password'] as string }),
        ...(opts['database'] === undefined ? {} : { database: opts['database'] as string }),
        format: opts['format'] as string,
        nonInteractive: opts['nonInteractive'] === true,
        failAtEnd: opts['failAtEnd'] === true && opts['failFast'] !== true,
        accessMode: opts['accessMode'] as string,
        encryption: opts['encryption'] as string,
        changePassword: opts['changePassword'] === true,
        ...(opts['file'] === undefined ? {} : { file: opts['file'] as string }),
        ...(cypher === undefined ? {} : { cypher }),
        ...(params === '' ? {} : { preamble: params }),
      };
      process.exitCode = await runShell(flags, {
        env: process.env,
        stdin: process.stdin,
        stdout: process.stdout,
        stdinIsTTY: process.stdin.isTTY === true,
        stdoutIsTTY: process.stdout.isTTY === true,
        output: { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) },
        readTextFile: (path) => readFile(path, 'utf8'),
      });
    });

  program
    .command('version')
    .description('print the version')
    .action(() => {
      process.stdout.write(`Causeway ${CAUSEWAY_VERSION} (Neo4j ${NEO4J_COMPATIBILITY} compatible)\n`);
    });

  const configOption = '-c, --config <file>';
  const configHelp = 'the configuration file, as for console';
  program.command('start').description('start the server as a background process (output in <logs>/neo4j.log)')
    .option(configOption, configHelp)
    .action(async (opts: { config?: string }) => {
      const config = loadConfigOrReport(opts.config);
      process.exitCode = config === undefined ? 1 : await startDaemon(config, writeOut, opts.config === undefined ? undefined : resolve(opts.config));
    });
  program.command('stop').description('stop the background server').option(configOption, configHelp).action(async (opts: { config?: string }) => {
    const config = loadConfigOrReport(opts.config);
    process.exitCode = config === undefined ? 1 : await stopDaemon(config, writeOut);
  });
  program.command('restart').description('stop the background server if it runs, then start it').option(configOption, configHelp)
    .action(async (opts: { config?: string }) => {
      const config = loadConfigOrReport(opts.config);
      if (config === undefined) {
        process.exitCode = 1;
        return;
      }
      const stopped = await stopDaemon(config, writeOut);
      process.exitCode = stopped !== 0 ? stopped : await startDaemon(config, writeOut, opts.config === undefined ? undefined : resolve(opts.config));
    });
  program.command('status').description('report whether the background server runs (exit code 3 when not)').option(configOption, configHelp).action((opts: { config?: string }) => {
    const config = loadConfigOrReport(opts.config);
    process.exitCode = config === undefined ? 1 : daemonStatus(config, writeOut);
  });
  const admin = program.command('admin').description('administration tasks (like neo4j-admin)');
  const initialPasswordCommand = (parent: Command): void => {
    parent.command('set-initial-password').description("set the neo4j user's password before the first start")
      .argument('<password>', 'the password (at least dbms.security.auth_minimum_password_length characters, default 8)')
      .option('--require-password-change', 'the user must change it at first login')
      .option(configOption, configHelp)
      .action(async (password: string, opts: { config?: string; requirePasswordChange?: boolean }) => {
        const config = loadConfigOrReport(opts.config);
        process.exitCode = config === undefined ? 1 : await setInitialPassword(config, password, opts.requirePasswordChange === true, {
          out: writeOut, err: (t) => void process.stderr.write(t),
        });
      });
  };
  initialPasswordCommand(admin);
  initialPasswordCommand(admin.command('dbms').description('DBMS administration (Neo4j 5 form)'));
  registerStoreCommands(admin, loadConfigOrReport, { out: writeOut, err: (t) => void process.stderr.write(t) });

  const cluster = program.command('cluster').description('a local causal cluster of core servers on this machine (up, status, down)');
  const dirOption = ['--dir <dir>', `the cluster's directory: one home per member, core1, core2, … (default ./${DEFAULT_CLUSTER_DIR})`, DEFAULT_CLUSTER_DIR] as const;
  const credentials = (opts: { username?: string; password?: string }): ClusterCredentials => ({
    username: opts.username ?? process.env['NEO4J_USERNAME'] ?? 'neo4j',
    password: opts.password ?? process.env['NEO4J_PASSWORD'] ?? 'neo4j',
  });
  cluster.command('up')
    .description('start the members in the background (Bolt 11687, 12687, 13687, …) and return once one leads')
    .option(...dirOption)
    .option('--cores <n>', 'number of core members (default 3, or as many as the directory has)')
    .option('--replicas <n>', 'number of read replicas (default 2 in a new directory, or as many as the directory has)')
    .option('-u, --username <name>', 'user for the health checks (env NEO4J_USERNAME; default neo4j)')
    .option('-p, --password <password>', 'password for the health checks (env NEO4J_PASSWORD; default neo4j)')
    .action(async (opts: { dir: string; cores?: string; replicas?: string; username?: string; password?: string }) => {
      const cores = opts.cores === undefined ? undefined : /^\d+$/.test(opts.cores.trim()) ? Number(opts.cores) : Number.NaN;
      const replicas = opts.replicas === undefined ? undefined : /^\d+$/.test(opts.replicas.trim()) ? Number(opts.replicas) : Number.NaN;
      if (replicas !== undefined && Number.isNaN(replicas)) {
        process.stderr.write(`--replicas must be a whole number, not "${opts.replicas}".\n`);
        process.exitCode = 64;
        return;
      }
      if (cores !== undefined && Number.isNaN(cores)) {
        process.stderr.write(`--cores must be a whole number, not "${opts.cores}".\n`);
        process.exitCode = 64;
        return;
      }
      process.exitCode = await clusterUp({
        dir: opts.dir, ...(cores === undefined ? {} : { cores }), ...(replicas === undefined ? {} : { replicas }), credentials: credentials(opts),
      }, writeOut);
    });
  cluster.command('status')
    .description("each member's role, term and applied position (exit code 3 unless every member runs and one leads)")
    .option(...dirOption)
    .option('-u, --username <name>', 'user to ask the members as (env NEO4J_USERNAME; default neo4j)')
    .option('-p, --password <password>', 'password (env NEO4J_PASSWORD; default neo4j)')
    .action(async (opts: { dir: string; username?: string; password?: string }) => {
      process.exitCode = await clusterStatus({ dir: opts.dir, credentials: credentials(opts) }, writeOut);
    });
  cluster.command('down')
    .description('stop the members cluster up started (by their pid files)')
    .option(...dirOption)
    .action(async (opts: { dir: string }) => {
      process.exitCode = await clusterDown({ dir: opts.dir }, writeOut);
    });
  return program;
}

async function main(argv: readonly string[]): Promise<void> {
  // Output piped into a reader that stops early (`| head`): finish quietly, as Unix tools do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version exit 0; usage errors exit 64 as neo4j-admin does.
      process.exitCode = error.exitCode === 0 ? 0 : 64;
      return;
    }
    process.stderr.write(`causeway: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 70;
  }
}

await main(process.argv);
