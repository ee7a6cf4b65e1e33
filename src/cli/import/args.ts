// neo4j-admin import's command line, read by hand because its options are not commander's shape:
// 3.5 writes `--nodes:Person:Actor="hdr.csv,data.csv"` (labels inside the option name), 5.x
// `--nodes=Person:Actor=hdr.csv,data.csv` (labels before `=` in the value) and names the database
// as an argument. Both spellings are accepted by both forms.

export type ImportForm = '3.5' | '5';

export interface InputGroup {
  readonly entity: 'node' | 'relationship';
  /** labels for every node of the group, or the relationship type (at most one) */
  readonly names: readonly string[];
  readonly files: readonly string[];
}

export interface ImportOptions {
  readonly database: string | undefined;
  readonly groups: readonly InputGroup[];
  readonly idType: 'STRING' | 'INTEGER' | 'ACTUAL';
  readonly delimiter: string;
  readonly arrayDelimiter: string;
  readonly quote: string;
  readonly skipDuplicateNodes: boolean;
  readonly skipBadRelationships: boolean;
  /** bad entries tolerated before the import is aborted (-1: no limit) */
  readonly badTolerance: number;
  readonly skipBadEntriesLogging: boolean;
  readonly multilineFields: boolean;
  readonly ignoreExtraColumns: boolean;
  readonly ignoreEmptyStrings: boolean;
  readonly trimStrings: boolean;
  readonly legacyQuoting: boolean;
  readonly reportFile: string;
  readonly overwrite: boolean;
  readonly config: string | undefined;
}

export class ImportUsageError extends Error {}

const BOOLEAN_FLAGS: Record<string, keyof ImportOptions> = {
  'ignore-duplicate-nodes': 'skipDuplicateNodes', 'skip-duplicate-nodes': 'skipDuplicateNodes',
  'ignore-missing-nodes': 'skipBadRelationships', 'skip-bad-relationships': 'skipBadRelationships',
  'skip-bad-entries-logging': 'skipBadEntriesLogging',
  'multiline-fields': 'multilineFields',
  'ignore-extra-columns': 'ignoreExtraColumns',
  'ignore-empty-strings': 'ignoreEmptyStrings',
  'trim-strings': 'trimStrings',
  'legacy-style-quoting': 'legacyQuoting',
  'overwrite-destination': 'overwrite', 'force': 'overwrite',
};
/** accepted for compatibility; they tune Neo4j's parallel importer, which Causeway's does not have */
const IGNORED_VALUE_FLAGS = new Set([
  'max-memory', 'max-off-heap-memory', 'processors', 'threads', 'read-buffer-size', 'input-encoding', 'additional-config', 'high-io',
  'high-parallel-io', 'cache-on-heap', 'detailed-progress', 'normalize-types', 'auto-skip-subsequent-headers', 'mode',
]);
const IGNORED_SWITCHES = new Set(['verbose', 'expand-commands']);

/** `TAB`, `\t`, `'\t'`, or one character */
function character(flag: string, value: string): string {
  const unquoted = value.length >= 3 && value.startsWith("'") && value.endsWith("'") ? value.slice(1, -1) : value;
  if (unquoted === 'TAB' || unquoted === '\\t') return '\t';
  if (unquoted.length !== 1) throw new ImportUsageError(`--${flag} takes one character (or TAB), not '${value}'`);
  return unquoted;
}

function bool(flag: string, value: string): boolean {
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new ImportUsageError(`--${flag} takes true or false, not '${value}'`);
}

/** `[Label:Label=]file,file` (5.x value); 3.5's labels come from the option name instead. */
function inputGroup(entity: 'node' | 'relationship', nameLabels: readonly string[], value: string): InputGroup {
  let names = [...nameLabels];
  let files = value;
  const equals = value.indexOf('=');
  // a `Label=` prefix: no path separator or file list before the `=`
  if (equals > 0 && !/[/\\,.]/.test(value.slice(0, equals))) {
    names = [...names, ...value.slice(0, equals).split(':').filter((n) => n !== '')];
    files = value.slice(equals + 1);
  }
  const list = files.split(',').map((f) => f.trim()).filter((f) => f !== '');
  if (list.length === 0) throw new ImportUsageError(`--${entity === 'node' ? 'nodes' : 'relationships'} names no files`);
  if (entity === 'relationship' && names.length > 1) throw new ImportUsageError(`a relationship group has one type, not ${names.join(':')}`);
  return { entity, names, files: list };
}

export function parseImportArgs(args: readonly string[], form: ImportForm): ImportOptions {
  const options: { -readonly [K in keyof ImportOptions]: ImportOptions[K] } = {
    database: undefined, groups: [], idType: 'STRING', delimiter: ',', arrayDelimiter: ';', quote: '"',
    skipDuplicateNodes: false, skipBadRelationships: false, badTolerance: 1000, skipBadEntriesLogging: false,
    multilineFields: false, ignoreExtraColumns: false, ignoreEmptyStrings: false, trimStrings: false, legacyQuoting: false,
    reportFile: 'import.report', overwrite: false, config: undefined,
  };
  const groups: InputGroup[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-')) {
      if (form === '3.5') throw new ImportUsageError(`Unexpected argument '${arg}' (3.5's import names the database with --database)`);
      if (options.database !== undefined) throw new ImportUsageError(`Only one database can be named, not '${options.database}' and '${arg}'`);
      options.database = arg;
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const equals = body.indexOf('=');
    const name = equals < 0 ? body : body.slice(0, equals);
    const inline = equals < 0 ? undefined : body.slice(equals + 1);
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = args[i + 1];
      if (next === undefined) throw new ImportUsageError(`Missing value for option '--${name}'`);
      i++;
      return next;
    };
    /** a switch: `--x`, `--x=true|false`, or `--x true|false` */
    const switchValue = (): boolean => {
      if (inline !== undefined) return bool(name, inline);
      const next = args[i + 1]?.toLowerCase();
      if (next === 'true' || next === 'false') {
        i++;
        return next === 'true';
      }
      return true;
    };
    const [option, ...nameParts] = name.split(':');
    if (option === 'nodes' || option === 'relationships') {
      groups.push(inputGroup(option === 'nodes' ? 'node' : 'relationship', nameParts.filter((n) => n !== ''), value()));
      continue;
    }
    if (nameParts.length > 0) throw new ImportUsageError(`Unknown option: '--${name}'`);
    const flag = BOOLEAN_FLAGS[name];
    if (flag !== undefined) {
      (options as Record<string, unknown>)[flag] = switchValue();
      continue;
    }
    switch (name) {
      case 'database': options.database = value(); break;
      case 'c': case 'config': options.config = value(); break;
      case 'id-type': {
        const type = value().toUpperCase();
        if (type !== 'STRING' && type !== 'INTEGER' && type !== 'ACTUAL') throw new ImportUsageError(`--id-type is STRING, INTEGER or ACTUAL, not '${type}'`);
        options.idType = type;
        break;
      }
      case 'delimiter': options.delimiter = character(name, value()); break;
      case 'array-delimiter': options.arrayDelimiter = character(name, value()); break;
      case 'quote': options.quote = character(name, value()); break;
      case 'bad-tolerance': {
        const text = value();
        if (!/^-?\d+$/.test(text) || Number(text) < -1) throw new ImportUsageError(`--bad-tolerance takes a whole number (-1: no limit), not '${text}'`);
        options.badTolerance = Number(text);
        break;
      }
      case 'report-file': options.reportFile = value(); break;
      default:
        if (IGNORED_VALUE_FLAGS.has(name)) {
          if (inline === undefined && args[i + 1] !== undefined && !args[i + 1]!.startsWith('--')) i++;
          break;
        }
        if (IGNORED_SWITCHES.has(name)) break;
        throw new ImportUsageError(`Unknown option: '--${name}'`);
    }
  }
  if (!groups.some((g) => g.entity === 'node')) throw new ImportUsageError('Missing required option: --nodes (at least one group of node files)');
  if (options.delimiter === options.arrayDelimiter) throw new ImportUsageError('--delimiter and --array-delimiter must differ');
  if (options.delimiter === options.quote) throw new ImportUsageError('--delimiter and --quote must differ');
  options.groups = groups;
  return options;
}
