// `admin import` / `admin database import full`: builds a new database from CSV files, the server
// stopped. Nodes first (every id remembered in its id space), then relationships (ends resolved
// through those maps), written as tx commands through the store's own applyBatch in big batches,
// so records, scans, adjacency, counts and index entries are written exactly as for any commit.
// The store is built in a scratch folder beside the databases and moved into place only when the
// whole import succeeded: a failed import leaves no half-written database behind.

import { closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { availableParallelism, freemem, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { openFileCommitLog } from '../../env/node/commit-log-file.js';
import { heapSizeLimitBytes } from '../../env/node/heap.js';
import { openLmdbKv } from '../../env/node/lmdb-kv.js';
import { TX_COMMAND_VERSION, type Property, type TxOp } from '../../graph/commands.js';
import { KvGraphStore } from '../../graph/kv-store.js';
import { storeFilePath } from '../../graph/open.js';
import type { ServerConfig } from '../../server/config/types.js';
import { securityLogTime } from '../../server/system/security-log.js';
import type { Clock } from '../../env/clock.js';
import type { AdminOutput } from '../admin.js';
import { fsyncPath } from '../backup.js';
import { runningPid } from '../daemon.js';
import { NEO4J_COMPATIBILITY, CAUSEWAY_VERSION } from '../version.js';
import type { ImportForm, ImportOptions, InputGroup } from './args.js';
import { fieldValue, idKey, ImportInputError, parseHeader, type Column, type IdSettings } from './header.js';
import { checkFiles, groupRecords, totalBytes, type SourcedRecord } from './input.js';

/** entities per tx command (one LMDB write transaction each) */
const BATCH_ENTITIES = 50_000;
const PROGRESS_STEPS = 20;

/** The import's outcome: counts, or the reason it stopped (its message says where). */
class ImportAborted extends Error {}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 2)}${units[unit]}`;
}

/** `1m 2s 345ms`, as Neo4j prints durations */
export function formatDuration(ms: number): string {
  const whole = Math.round(ms);
  const minutes = Math.floor(whole / 60_000);
  const seconds = Math.floor((whole % 60_000) / 1000);
  const millis = whole % 1000;
  return `${minutes > 0 ? `${minutes}m ` : ''}${minutes > 0 || seconds > 0 ? `${seconds}s ` : ''}${millis}ms`;
}

function peakMemoryBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/** Prints `.......... ..........  10% ∆12ms`-style lines as a stage's bytes pass each 5 %. */
class Progress {
  private readBytes = 0;
  private step = 0;
  private lastMs: number;
  constructor(private readonly total: number, private readonly output: AdminOutput, private readonly clock: Clock) {
    this.lastMs = clock.monotonicMs();
  }
  add(bytes: number): void {
    this.readBytes += bytes;
    const reached = this.total === 0 ? PROGRESS_STEPS : Math.min(PROGRESS_STEPS, Math.floor((this.readBytes / this.total) * PROGRESS_STEPS));
    // a chunk that passes several steps prints one line, for the last of them
    if (this.step < reached) {
      this.step = reached;
      const now = this.clock.monotonicMs();
      this.output.out(`.......... .......... .......... .......... .......... ${String(this.step * 5).padStart(3)}% ∆${formatDuration(now - this.lastMs)}\n`);
      this.lastMs = now;
    }
  }
  finish(): void {
    this.add(Math.max(0, this.total - this.readBytes) + (this.total === 0 ? 1 : 0));
  }
}

/** Bad entries: logged to the report file, counted against --bad-tolerance. */
class BadEntries {
  count = 0;
  private fd: number | undefined;
  constructor(readonly path: string, private readonly tolerance: number, private readonly logging: boolean) {
    mkdirSync(resolve(path, '..'), { recursive: true });
    this.fd = openSync(path, 'w');
  }
  add(message: string): void {
    this.count++;
    if (this.logging && this.fd !== undefined) writeSync(this.fd, `${message}\n`);
    if (this.tolerance >= 0 && this.count > this.tolerance) {
      throw new ImportAborted(`Too many bad entries ${this.count}, where last one was: ${message}`);
    }
  }
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

interface Counts {
  nodes: number;
  relationships: number;
  properties: number;
}

/** Writes the ops in tx commands through applyBatch. */
class BatchWriter {
  private ops: TxOp[] = [];
  private entities = 0;
  private txId = 0;
  constructor(private readonly store: KvGraphStore) {}
  add(op: TxOp): void {
    this.ops.push(op);
    if (++this.entities >= BATCH_ENTITIES) this.flush();
  }
  flush(): void {
    if (this.ops.length === 0) return;
    this.store.applyBatch([{ txId: ++this.txId, command: { version: TX_COMMAND_VERSION, leaseId: 0, ops: this.ops } }]);
    this.ops = [];
    this.entities = 0;
  }
}

function spaceName(space: string | undefined): string {
  return space === undefined ? 'global id space' : `'${space}'`;
}

function describe(group: InputGroup): string {
  const names = group.names.length === 0 ? '' : `  ${group.entity === 'node' ? group.names.map((n) => `:${n}`).join('') : `[:${group.names[0]}]`}\n`;
  return `${names}${group.files.map((f) => `  ${resolve(f)}\n`).join('')}`;
}

class Importer {
  readonly counts: Counts = { nodes: 0, relationships: 0, properties: 0 };
  /** id space ('' is the global one) → id → node id */
  private readonly ids = new Map<string, Map<string, number>>();
  private nextNodeId = 0;
  private nextRelId = 0;

  constructor(private readonly options: ImportOptions, private readonly writer: BatchWriter, private readonly bad: BadEntries) {}

  private space(space: string | undefined): Map<string, number> {
    const key = space ?? '';
    let map = this.ids.get(key);
    if (map === undefined) {
      map = new Map();
      this.ids.set(key, map);
    }
    return map;
  }

  private inputError(record: SourcedRecord, header: readonly (string | null)[], index: number, error: unknown): ImportInputError {
    return new ImportInputError(`ERROR in input\n  data source: ${record.file}:${record.line}\n  in field: ${header[index] ?? ''}:${index + 1}\n`
      + `  for header: [${header.join(', ')}]\n  raw field value: ${record.fields[index] ?? ''}\n  original error: ${(error as Error).message}`);
  }

  private properties(record: SourcedRecord, columns: readonly Column[], header: readonly (string | null)[], into: Property[]): void {
    const { arrayDelimiter, trimStrings, ignoreEmptyStrings } = this.options;
    columns.forEach((column, index) => {
      if (column.kind !== 'property') return;
      let field = record.fields[index] ?? null;
      if (field !== null && trimStrings && column.type === 'string') field = field.trim();
      if (field === '' && ignoreEmptyStrings) return;
      let value;
      try {
        value = fieldValue(field, column, arrayDelimiter);
      } catch (error) {
        throw this.inputError(record, header, index, error);
      }
      if (value !== undefined) into.push([column.name, value]);
    });
  }

  private checkWidth(record: SourcedRecord, columns: readonly Column[]): void {
    if (record.fields.length > columns.length && !this.options.ignoreExtraColumns
      && record.fields.slice(columns.length).some((field) => field !== null)) {
      throw new ImportInputError(`Extra column not present in header on line ${record.line} in ${record.file} with value ${record.fields[columns.length]}`
        + ' (pass --ignore-extra-columns to skip such columns)');
    }
  }

  /** The group's data records with the columns its header gives them (the first record). */
  private async *rows(group: InputGroup, onBytes: (bytes: number) => void): AsyncGenerator<{ record: SourcedRecord; columns: readonly Column[]; header: readonly (string | null)[] }> {
    let columns: Column[] | undefined;
    let header: readonly (string | null)[] = [];
    for await (const record of groupRecords(group.files, this.options, onBytes)) {
      if (columns === undefined) {
        header = record.fields;
        columns = parseHeader(header, group.entity, `${record.file}:${record.line}`);
        if (group.entity === 'node' && this.options.idType === 'ACTUAL' && !columns.some((c) => c.kind === 'id')) {
          throw new ImportInputError(`${record.file}: --id-type=ACTUAL needs an :ID column in every node header`);
        }
        continue;
      }
      this.checkWidth(record, columns);
      yield { record, columns, header };
    }
    if (columns === undefined) throw new ImportInputError(`${group.files.join(',')}: no header (the group's first file is empty)`);
  }

  async nodes(group: InputGroup, onBytes: (bytes: number) => void): Promise<void> {
    const idSettings: IdSettings = { idType: this.options.idType };
    for await (const { record, columns, header } of this.rows(group, onBytes)) {
      const labels = [...group.names];
      const properties: Property[] = [];
      let id: { key: string; space: string | undefined } | undefined;
      for (let index = 0; index < columns.length; index++) {
        const column = columns[index]!;
        const field = record.fields[index] ?? null;
        if (column.kind === 'label') {
          if (field === null) continue;
          for (const label of field.split(this.options.arrayDelimiter).map((l) => l.trim())) {
            if (label !== '' && !labels.includes(label)) labels.push(label);
          }
        } else if (column.kind === 'id') {
          if (field === null || field === '') {
            if (this.options.idType === 'ACTUAL') throw this.inputError(record, header, index, new Error('--id-type=ACTUAL needs an id on every node'));
            continue;
          }
          let key: string;
          try {
            key = idKey(field, idSettings);
          } catch (error) {
            throw this.inputError(record, header, index, error);
          }
          id = { key, space: column.space };
          if (column.property !== undefined) properties.push([column.property, this.options.idType === 'STRING' ? field : BigInt(key)]);
        }
      }
      this.properties(record, columns, header, properties);
      let nodeId: number;
      if (id !== undefined) {
        const space = this.space(id.space);
        if (space.has(id.key)) {
          const message = `Id '${id.key}' is defined more than once in group ${spaceName(id.space)}, at least at ${record.file}:${record.line}`;
          if (!this.options.skipDuplicateNodes) throw new ImportAborted(`${message} (pass --skip-duplicate-nodes, 3.5: --ignore-duplicate-nodes, to skip duplicates)`);
          this.bad.add(message);
          continue;
        }
        nodeId = this.options.idType === 'ACTUAL' ? Number(id.key) : this.nextNodeId++;
        if (this.options.idType === 'ACTUAL' && (!Number.isSafeInteger(nodeId) || nodeId < 0)) {
          throw new ImportInputError(`${record.file}:${record.line}: --id-type=ACTUAL needs node ids from 0 to 2^53, not ${id.key}`);
        }
        space.set(id.key, nodeId);
      } else {
        nodeId = this.nextNodeId++;
      }
      this.writer.add({ op: 'createNode', id: nodeId, labels, properties });
      this.counts.nodes++;
      this.counts.properties += properties.length;
    }
  }

  async relationships(group: InputGroup, onBytes: (bytes: number) => void): Promise<void> {
    const idSettings: IdSettings = { idType: this.options.idType };
    for await (const { record, columns, header } of this.rows(group, onBytes)) {
      let type = group.names[0];
      const ends: { start?: { text: string; key: string | undefined; space: string | undefined }; end?: { text: string; key: string | undefined; space: string | undefined } } = {};
      for (let index = 0; index < columns.length; index++) {
        const column = columns[index]!;
        const field = record.fields[index] ?? null;
        if (column.kind === 'type') {
          if (field !== null && field.trim() !== '') type = field.trim();
        } else if (column.kind === 'startId' || column.kind === 'endId') {
          let key: string | undefined;
          if (field !== null && field !== '') {
            try {
              key = idKey(field, idSettings);
            } catch (error) {
              throw this.inputError(record, header, index, error);
            }
          }
          ends[column.kind === 'startId' ? 'start' : 'end'] = { text: field ?? '', key, space: column.space };
        }
      }
      const properties: Property[] = [];
      this.properties(record, columns, header, properties);
      const start = ends.start!;
      const end = ends.end!;
      const startId = start.key === undefined ? undefined : this.ids.get(start.space ?? '')?.get(start.key);
      const endId = end.key === undefined ? undefined : this.ids.get(end.space ?? '')?.get(end.key);
      if (startId === undefined || endId === undefined || type === undefined) {
        const missing = startId === undefined ? start : endId === undefined ? end : undefined;
        const message = `InputRelationship:\n   source: ${record.file}:${record.line}\n   properties: [${properties.map(([k, v]) => `${k}, ${String(v)}`).join(', ')}]\n`
          + `   startNode: ${start.text} (${spaceName(start.space)})\n   endNode: ${end.text} (${spaceName(end.space)})\n   type: ${type ?? ''}\n`
          + (missing !== undefined ? ` referring to missing node ${missing.text}` : ' has no relationship type (no :TYPE value and none given with --relationships)');
        if (!this.options.skipBadRelationships) {
          throw new ImportAborted(`${message}\n(pass --skip-bad-relationships, 3.5: --ignore-missing-nodes, to skip such relationships)`);
        }
        this.bad.add(message);
        continue;
      }
      this.writer.add({ op: 'createRel', id: this.nextRelId++, type, startId, endId, properties });
      this.counts.relationships++;
      this.counts.properties += properties.length;
    }
  }
}

/** Whether the database folder holds a store with anything in it (a server's first start leaves an empty one). */
async function holdsData(path: string): Promise<boolean> {
  if (!existsSync(path) || readdirSync(path).length === 0) return false;
  if (!existsSync(storeFilePath(path))) return true;
  const store = new KvGraphStore(openLmdbKv(storeFilePath(path)));
  try {
    return store.nodeCount() > 0 || store.relationshipCount() > 0 || store.indexes().length > 0 || store.constraints().length > 0;
  } finally {
    await store.close();
  }
}

/** Returns the exit code: 0 imported, 1 refused or failed (nothing written). */
/** clock: the wall time printed and the durations measured (env/node/clock.ts's nodeClock in the CLI) */
export async function runImport(config: ServerConfig, options: ImportOptions, form: ImportForm, output: AdminOutput, clock: Clock): Promise<number> {
  const timestamp = (): string => securityLogTime(clock.wallMs());
  const database = options.database ?? config.defaultDatabase;
  if (database === 'system') {
    output.err('The system database cannot be imported into.\n');
    return 1;
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(database)) {
    output.err(`'${database}' is not a valid database name.\n`);
    return 1;
  }
  const pid = runningPid(config);
  if (pid !== undefined) {
    output.err(`The server is running (pid ${pid}): stop it before importing.\n`);
    return 1;
  }
  const databases = join(config.dataDir, 'databases');
  const target = join(databases, database);
  if (!options.overwrite && await holdsData(target)) {
    output.err(form === '3.5'
      ? `Directory '${target}' already contains a database. Use --force to replace it.\n`
      : `Database '${database}' already exists at ${target}. Use --overwrite-destination to replace it.\n`);
    return 1;
  }
  const startMs = clock.monotonicMs();
  const scratch = join(databases, `.${database}.import-${process.pid}`);
  let bad: BadEntries | undefined;
  let store: KvGraphStore | undefined;
  try {
    for (const group of options.groups) checkFiles(group.files);
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { recursive: true });
    bad = new BadEntries(resolve(options.reportFile), options.badTolerance, !options.skipBadEntriesLogging);
    output.out(`Neo4j version: ${NEO4J_COMPATIBILITY} (Causeway ${CAUSEWAY_VERSION})\nImporting the contents of these files into ${target}:\n`);
    output.out('Nodes:\n');
    for (const group of options.groups.filter((g) => g.entity === 'node')) output.out(describe(group));
    const relationshipGroups = options.groups.filter((g) => g.entity === 'relationship');
    if (relationshipGroups.length > 0) output.out('Relationships:\n');
    for (const group of relationshipGroups) output.out(describe(group));
    output.out(`\nAvailable resources:\n  Total machine memory: ${formatBytes(totalmem())}\n  Free machine memory: ${formatBytes(freemem())}\n`
      + `  Max heap memory : ${formatBytes(heapSizeLimitBytes())}\n  Processors: ${availableParallelism()}\n\nImport starting ${timestamp()}\n\n`);

    store = new KvGraphStore(openLmdbKv(storeFilePath(scratch)));
    const writer = new BatchWriter(store);
    const importer = new Importer(options, writer, bad);
    const stage = async (number: number, name: string, groups: readonly InputGroup[], run: (g: InputGroup, onBytes: (n: number) => void) => Promise<void>): Promise<void> => {
      const stageStart = clock.monotonicMs();
      output.out(`(${number}/3) ${name} ${timestamp()}\n`);
      const progress = new Progress(groups.reduce((sum, g) => sum + totalBytes(g.files), 0), output, clock);
      for (const group of groups) await run(group, (n) => progress.add(n));
      writer.flush();
      progress.finish();
      output.out(`${name} COMPLETED in ${formatDuration(clock.monotonicMs() - stageStart)}\n\n`);
    };
    await stage(1, 'Node import', options.groups.filter((g) => g.entity === 'node'), (g, on) => importer.nodes(g, on));
    await stage(2, 'Relationship import', relationshipGroups, (g, on) => importer.relationships(g, on));

    const postStart = clock.monotonicMs();
    output.out(`(3/3) Post processing ${timestamp()}\n`);
    // No checkpoint image: building one holds the whole graph in memory at once. The store is
    // fsynced instead, and the commit log continues after the import's last transaction.
    const lastTxId = store.lastAppliedTxId();
    const closing = store;
    store = undefined;
    await closing.close();
    fsyncPath(storeFilePath(scratch));
    rmSync(`${storeFilePath(scratch)}-lock`, { force: true });
    const { log } = await openFileCommitLog(join(scratch, 'commit.log'), { fsync: true, firstTxIdIfNew: lastTxId + 1 });
    await log.close();
    bad.close();
    // Into place: an existing (empty, or --force'd) database is only removed once the new one is whole.
    const old = `${scratch}.old`;
    if (existsSync(target)) renameSync(target, old);
    renameSync(scratch, target);
    rmSync(old, { recursive: true, force: true });
    output.out(`Post processing COMPLETED in ${formatDuration(clock.monotonicMs() - postStart)}\n\n`);

    const { counts } = importer;
    output.out(`IMPORT DONE in ${formatDuration(clock.monotonicMs() - startMs)}.\nImported:\n  ${counts.nodes} nodes\n  ${counts.relationships} relationships\n`
      + `  ${counts.properties} properties\nPeak memory usage: ${formatBytes(peakMemoryBytes())}\n`);
    if (bad.count > 0) output.out(`There were bad entries which were skipped and logged into ${bad.path}\n`);
    if (existsSync(join(config.dataDir, 'cluster-state', 'cluster.json'))) {
      output.out(`This server is bound to a cluster (${join(config.dataDir, 'cluster-state')}). To seed a new cluster with the imported store, `
        + 'run `causeway admin unbind` before starting it.\n');
    }
    return 0;
  } catch (error) {
    if (!(error instanceof ImportAborted || error instanceof ImportInputError)) {
      output.err(`Import failed: ${(error as Error).stack ?? String(error)}\n`);
    }
    output.out(`IMPORT FAILED in ${formatDuration(clock.monotonicMs() - startMs)}. Data statistics is not available.\nPeak memory usage: ${formatBytes(peakMemoryBytes())}\n`);
    if (error instanceof ImportAborted || error instanceof ImportInputError) output.err(`${error.message}\n`);
    if (bad !== undefined && bad.count > 0) output.err(`Bad entries were logged into ${bad.path}\n`);
    return 1;
  } finally {
    if (store !== undefined) await store.close().catch(() => {});
    bad?.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}
