// The store tools' command lines, in Neo4j 3.5's spelling (`admin backup --backup-dir … --name …`,
// `admin restore --from …`, `admin dump`, `admin load`, `admin unbind`, `admin check-consistency`)
// and 5.x's (`admin database backup|restore|dump|load|check`, `admin server unbind`).

import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkDatabaseConsistency } from '../graph/open.js';
import type { ServerConfig } from '../server/config/types.js';
import type { AdminOutput } from './admin.js';
import { registerImportCommands } from './import-commands.js';
import { checkSystemBackup, SYSTEM_BACKUP_FILE } from './system-backup.js';
import { EXIT_INCONSISTENT, matchingDatabases, runBackup, runDump, runLoad, runRestore, runUnbind } from './backup.js';
import type { FramedTls } from '../env/node/framed-tcp.js';
import { loadTlsMaterial } from '../env/node/tls-material.js';
import { sslPolicy } from '../server/tls.js';

const CONFIG_OPTION = '-c, --config <file>';
const CONFIG_HELP = 'the configuration file, as for console';

/** --flag, --flag=true, --flag=false (neo4j-admin's boolean options) */
function truthy(value: string | boolean | undefined, byDefault: boolean): boolean {
  if (value === undefined) return byDefault;
  if (typeof value === 'boolean') return value;
  return value.toLowerCase() !== 'false';
}

export function registerStoreCommands(
  admin: Command, loadConfig: (file: string | undefined) => ServerConfig | undefined, output: AdminOutput,
): void {
  const withConfig = (file: string | undefined, run: (config: ServerConfig) => Promise<number> | number): Promise<void> => {
    const config = loadConfig(file);
    if (config === undefined) {
      process.exitCode = 1;
      return Promise.resolve();
    }
    return Promise.resolve(run(config)).then((code) => {
      process.exitCode = code;
    });
  };
  /** TLS from the client's own backup SSL policy (its neo4j.conf), as neo4j-admin backup does */
  const backupTls = (file: string | undefined): { tls?: FramedTls } | undefined => {
    const config = loadConfig(file);
    if (config === undefined) return undefined;
    const policy = sslPolicy(config, 'backup');
    if (policy === undefined) return {};
    const material = loadTlsMaterial(policy);
    return { tls: { serverOptions: material.serverOptions, clientOptions: material.clientOptions } };
  };
  const check = async (path: string, label: string): Promise<number> => {
    if (existsSync(join(path, SYSTEM_BACKUP_FILE))) return checkSystemBackup(path, output);
    const report = await checkDatabaseConsistency(path);
    if (report.problems.length === 0) {
      output.out(`${label}: ${report.nodes} nodes and ${report.relationships} relationships, consistent.\n`);
      return 0;
    }
    output.err(`${label} is inconsistent (${report.problems.length} problems):\n${report.problems.map((p) => `  ${p}\n`).join('')}`);
    return EXIT_INCONSISTENT;
  };

  // ---- Neo4j 3.5 ----
  admin.command('backup').description('online backup from a running server (its backup port, or a core\'s transaction port)')
    .requiredOption('--from <address>', 'host:port of the backup service (default port 6362)')
    .requiredOption('--backup-dir <dir>', 'the folder that holds backups')
    .requiredOption('--name <name>', 'the backup\'s name: a folder in --backup-dir (an existing one is updated incrementally)')
    .option('--database <name>', 'the database (default: the server\'s default database; system backs up users, roles and privileges)')
    .option('--protocol <protocol>', 'any or catchup (both speak the catch-up protocol here)', 'any')
    .option('--check-consistency [bool]', 'check the backup afterwards (default true)')
    .option('--fallback-to-full [bool]', 'accepted: a backup that cannot continue incrementally copies the store')
    .option('--cc-report-dir <dir>', 'accepted for compatibility')
    .option(CONFIG_OPTION, `${CONFIG_HELP} (its backup SSL policy, if enabled, makes the connection TLS)`)
    .action(async (opts: { from: string; backupDir: string; name: string; database?: string; protocol: string; checkConsistency?: string | boolean; config?: string }) => {
      const tls = backupTls(opts.config);
      if (tls === undefined) return void (process.exitCode = 1);
      if (opts.protocol === 'catchup') output.out('The selected protocol `catchup` means that it is only compatible with causal clustering instances\n');
      process.exitCode = await runBackup({
        from: opts.from, target: join(opts.backupDir, opts.name), database: opts.database, checkConsistency: truthy(opts.checkConsistency, true), ...tls,
      }, output);
    });
  admin.command('restore').description('make a backup the server\'s database (the server stopped)')
    .requiredOption('--from <dir>', 'the backup folder')
    .option('--database <name>', 'the database', 'neo4j')
    .option('--force', 'replace an existing database')
    .option(CONFIG_OPTION, CONFIG_HELP)
    .action((opts: { from: string; database: string; force?: boolean; config?: string }) =>
      withConfig(opts.config, (config) => runRestore(config, opts.from, opts.database, opts.force === true, output)));
  admin.command('dump').description('write the database to one file (the server stopped)')
    .requiredOption('--to <file>', 'the dump file')
    .option('--database <name>', 'the database', 'neo4j')
    .option(CONFIG_OPTION, CONFIG_HELP)
    .action((opts: { to: string; database: string; config?: string }) => withConfig(opts.config, (config) => runDump(config, opts.database, opts.to, output)));
  admin.command('load').description('replace or create the database from a dump file (the server stopped)')
    .requiredOption('--from <file>', 'the dump file')
    .option('--database <name>', 'the database', 'neo4j')
    .option('--force', 'replace an existing database')
    .option(CONFIG_OPTION, CONFIG_HELP)
    .action((opts: { from: string; database: string; force?: boolean; config?: string }) =>
      withConfig(opts.config, (config) => runLoad(config, opts.database, opts.from, opts.force === true, output)));
  admin.command('unbind').description('remove a core\'s cluster state, keeping its store (the server stopped)')
    .option('--database <name>', 'accepted for compatibility (the cluster state is per server)')
    .option(CONFIG_OPTION, CONFIG_HELP)
    .action((opts: { config?: string }) => withConfig(opts.config, (config) => runUnbind(config, output)));
  admin.command('check-consistency').description('check a database (the server stopped) or a backup')
    .option('--database <name>', 'the database', 'neo4j')
    .option('--backup <dir>', 'check this backup folder instead')
    .option(CONFIG_OPTION, CONFIG_HELP)
    .action((opts: { database: string; backup?: string; config?: string }) => opts.backup !== undefined
      ? check(opts.backup, `Backup ${opts.backup}`).then((code) => void (process.exitCode = code))
      : withConfig(opts.config, (config) => check(join(config.dataDir, 'databases', opts.database), `Database '${opts.database}'`)));

  // ---- Neo4j 5.x ----
  const database = admin.command('database').description('database administration (Neo4j 5 form)');
  database.command('backup').description('online backup into <to-path>/<database>.backup (updated incrementally when it exists)')
    .argument('[database...]', 'databases, or patterns with * and ? ("*": every database, system included)', ['neo4j'])
    .option('--from <addresses>', 'host:port of the backup service (default 127.0.0.1:6362)', '127.0.0.1:6362')
    .requiredOption('--to-path <dir>', 'the folder that holds backups')
    .option('--check-consistency [bool]', 'check the backup afterwards (default false)')
    .option('--type <type>', 'AUTO (continue an existing backup, else copy the store), FULL (always copy the store) or DIFF (continue only)', 'AUTO')
    .option('--compress [bool]', 'accepted: a backup folder is a store, not a compressed artifact')
    .option('--pagecache <size>', 'accepted: Causeway sizes no page cache (LMDB maps the store)')
    .option(CONFIG_OPTION, `${CONFIG_HELP} (its backup SSL policy, if enabled, makes the connection TLS)`)
    .action(async (patterns: string[], opts: { from: string; toPath: string; checkConsistency?: string | boolean; type: string; config?: string }) => {
      const type = opts.type.toUpperCase();
      if (type !== 'AUTO' && type !== 'FULL' && type !== 'DIFF') {
        output.err(`--type must be AUTO, FULL or DIFF, not ${opts.type}.\n`);
        return void (process.exitCode = 1);
      }
      const tls = backupTls(opts.config);
      if (tls === undefined) return void (process.exitCode = 1);
      let names: string[] = [];
      for (const pattern of patterns) {
        if (!/[*?]/.test(pattern)) {
          names.push(pattern);
          continue;
        }
        try {
          const matched = await matchingDatabases(opts.from, pattern, tls.tls);
          if (matched.length === 0) output.err(`No database matches ${pattern}.\n`);
          names.push(...matched);
        } catch (error) {
          output.err(`Could not list the databases at ${opts.from}: ${(error as Error).message}\n`);
          return void (process.exitCode = 1);
        }
      }
      names = [...new Set(names)];
      // as neo4j-admin: every database is tried; 1 when any failed
      let failed = names.length === 0;
      let inconsistent = false;
      for (const name of names) {
        const code = await runBackup({
          from: opts.from, target: join(opts.toPath, `${name}.backup`), database: name, checkConsistency: truthy(opts.checkConsistency, false), type, ...tls,
        }, output);
        if (code === EXIT_INCONSISTENT) inconsistent = true;
        else if (code !== 0) failed = true;
      }
      process.exitCode = failed ? 1 : inconsistent ? EXIT_INCONSISTENT : 0;
    });
  database.command('restore').description('make a backup the database (the server stopped)')
    .argument('[database]', 'the database', 'neo4j')
    .requiredOption('--from-path <path>', 'a backup folder, or a folder of backups (the newest of the database is used)')
    .option('--overwrite-destination [bool]', 'replace an existing database')
    .option(CONFIG_OPTION, CONFIG_HELP)
    .action((name: string, opts: { fromPath: string; overwriteDestination?: string | boolean; config?: string }) =>
      withConfig(opts.config, (config) => runRestore(config, opts.fromPath, name, truthy(opts.overwriteDestination, false), output)));
  database.command('dump').description('write the database to <to-path>/<database>.dump (the server stopped)')
    .argument('[database]', 'the database', 'neo4j')
    .requiredOption('--to-path <dir>', 'the folder for the dump')
    .option(CONFIG_OPTION, CONFIG_HELP)
    .action((name: string, opts: { toPath: string; config?: string }) =>
      withConfig(opts.config, (config) => runDump(config, name, join(opts.toPath, `${name}.dump`), output)));
  database.command('load').description('replace or create the database from <from-path>/<database>.dump (the server stopped)')
    .argument('[database]', 'the database', 'neo4j')
    .requiredOption('--from-path <dir>', 'the folder holding the dump')
    .option('--overwrite-destination [bool]', 'replace an existing database')
    .option(CONFIG_OPTION, CONFIG_HELP)
    .action((name: string, opts: { fromPath: string; overwriteDestination?: string | boolean; config?: string }) =>
      withConfig(opts.config, (config) => runLoad(config, name, join(opts.fromPath, `${name}.dump`), truthy(opts.overwriteDestination, false), output)));
  database.command('check').description('check a database (the server stopped)')
    .argument('[database]', 'the database', 'neo4j')
    .option(CONFIG_OPTION, CONFIG_HELP)
    .action((name: string, opts: { config?: string }) =>
      withConfig(opts.config, (config) => check(join(config.dataDir, 'databases', name), `Database '${name}'`)));
  const server = admin.command('server').description('server administration (Neo4j 5 form)');
  server.command('unbind').description('remove the cluster state, keeping the store (the server stopped)')
    .option(CONFIG_OPTION, CONFIG_HELP)
    .action((opts: { config?: string }) => withConfig(opts.config, (config) => runUnbind(config, output)));
  registerImportCommands(admin, database, server, loadConfig, output);
}
