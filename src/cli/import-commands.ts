// Command lines of the bulk importer and the memory advice, in Neo4j 3.5's spelling
// (`admin import`, `admin memrec`) and 5.x's (`admin database import full`,
// `admin server memory-recommendation`).

import type { Command } from 'commander';
import type { ServerConfig } from '../server/config/types.js';
import type { AdminOutput } from './admin.js';
import { ImportUsageError, parseImportArgs, type ImportForm } from './import/args.js';
import { runImport } from './import/run.js';
import { runMemoryRecommendation } from './memrec.js';
import { nodeClock } from '../env/node/clock.js';

/** neo4j-admin's exit code for a command line it cannot use (as the other admin commands) */
const EXIT_USAGE = 64;

const IMPORT_HELP_35 = `
Options (Neo4j 3.5 spelling; the 5.x ones are accepted too):
  --database=<name>                 the database (default: the default database)
  --nodes[:Label[:Label]]=<files>   a group of node files, header first ("hdr.csv,data.csv"); repeatable
  --relationships[:TYPE]=<files>    a group of relationship files; repeatable
  --id-type=STRING|INTEGER|ACTUAL   how :ID values are read (default STRING)
  --delimiter=<c>  --array-delimiter=<c>  --quote=<c>   (defaults , ; ")
  --ignore-duplicate-nodes[=bool]   skip nodes whose id is taken (logged to the report)
  --ignore-missing-nodes[=bool]     skip relationships to missing nodes (logged to the report)
  --bad-tolerance=<n>               bad entries allowed before the import fails (default 1000)
  --multiline-fields[=bool]  --ignore-extra-columns[=bool]  --trim-strings[=bool]  --ignore-empty-strings[=bool]
  --report-file=<file>              where bad entries are logged (default import.report)
  --force                           replace an existing database
  -c, --config <file>               the configuration file, as for console
  --max-memory, --processors, --high-io   accepted, no effect
`;
const IMPORT_HELP_5 = `
Arguments:
  [database]                         the database (default: the default database)
Options (Neo4j 5 spelling; the 3.5 ones are accepted too):
  --nodes=[Label[:Label]=]<files>    a group of node files, header first ("hdr.csv,data.csv"); repeatable
  --relationships=[TYPE=]<files>     a group of relationship files; repeatable
  --id-type=STRING|INTEGER|ACTUAL    how :ID values are read (default STRING)
  --delimiter=<c>  --array-delimiter=<c>  --quote=<c>   (defaults , ; ")
  --skip-duplicate-nodes[=bool]      skip nodes whose id is taken (logged to the report)
  --skip-bad-relationships[=bool]    skip relationships to missing nodes (logged to the report)
  --bad-tolerance=<n>                bad entries allowed before the import fails (default 1000; -1 no limit)
  --skip-bad-entries-logging[=bool]  count bad entries without logging them
  --multiline-fields[=bool]  --ignore-extra-columns[=bool]  --trim-strings[=bool]  --ignore-empty-strings[=bool]
  --report-file=<file>               where bad entries are logged (default import.report)
  --overwrite-destination[=bool]     replace an existing database
  -c, --config <file>                the configuration file, as for console
  --threads, --max-off-heap-memory, --high-parallel-io, --read-buffer-size   accepted, no effect
`;

export function registerImportCommands(
  admin: Command, database: Command, server: Command,
  loadConfig: (file: string | undefined) => ServerConfig | undefined, output: AdminOutput,
): void {
  const importAction = (form: ImportForm) => async (...params: unknown[]): Promise<void> => {
    const command = params[params.length - 1] as Command;
    let options;
    try {
      options = parseImportArgs(command.args, form);
    } catch (error) {
      if (!(error instanceof ImportUsageError)) throw error;
      output.err(`${error.message}\n`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    const config = loadConfig(options.config);
    process.exitCode = config === undefined ? 1 : await runImport(config, options, form, output, nodeClock);
  };
  admin.command('import').description('build a new database from CSV files (Neo4j import header format; the server stopped)')
    .allowUnknownOption(true).allowExcessArguments(true).helpOption('-h, --help', 'this help')
    .addHelpText('after', IMPORT_HELP_35)
    .action(importAction('3.5'));
  const databaseImport = database.command('import').description('bulk import from CSV files (Neo4j 5 form)');
  databaseImport.command('incremental').description('not supported: Causeway imports into new databases only (use full)')
    .allowUnknownOption(true).allowExcessArguments(true)
    .action(() => {
      output.err('Incremental import (an Enterprise feature of Neo4j 5) is not supported by Causeway: use `admin database import full` '
        + 'into a new database, or LOAD CSV into a running one.\n');
      process.exitCode = 1;
    });
  databaseImport.command('full').description('build a new database from CSV files (Neo4j import header format; the server stopped)')
    .allowUnknownOption(true).allowExcessArguments(true)
    .addHelpText('after', IMPORT_HELP_5)
    .action(importAction('5'));

  admin.command('memrec').description('memory settings recommendation (heap, page cache, transaction pool) for this machine')
    .option('--memory <size>', 'the memory to plan for (default: the machine\'s)')
    .option('--database <name>', 'size the store of this database only')
    .option('-c, --config <file>', 'the configuration file, as for console')
    .action((opts: { memory?: string; database?: string; config?: string }) => {
      const config = loadConfig(opts.config);
      process.exitCode = config === undefined ? 1
        : runMemoryRecommendation(config, { form: '3.5', memory: opts.memory, docker: false, database: opts.database }, output);
    });
  server.command('memory-recommendation').description('memory settings recommendation (heap, page cache, transaction pool) for this machine')
    .option('--memory <size>', 'the memory to plan for (default: the machine\'s)')
    .option('--docker', 'print NEO4J_… environment variables for a container instead')
    .option('-c, --config <file>', 'the configuration file, as for console')
    .option('--additional-config <file>', 'accepted for compatibility')
    .option('--verbose', 'accepted for compatibility')
    .action((opts: { memory?: string; docker?: boolean; config?: string }) => {
      const config = loadConfig(opts.config);
      process.exitCode = config === undefined ? 1
        : runMemoryRecommendation(config, { form: '5', memory: opts.memory, docker: opts.docker === true, database: undefined }, output);
    });
}
