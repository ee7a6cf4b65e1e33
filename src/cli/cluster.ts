// `causeway cluster up | status | down`: a local causal cluster of core servers on this machine,
// each a background `causeway console` (the machinery of `causeway start`) with its own home
// directory <dir>/core<N> and neo4j.conf. up writes a member's neo4j.conf only when it has none
// (an existing one is kept, edits included), starts the members that are not running and returns
// once a leader accepts writes; status asks each member over Bolt; down stops the members by the
// pid files up left, never any other process.

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import neo4j from 'neo4j-driver';
import { nodeTicker } from '../env/node/clock.js';
import { ConfigError, loadServerConfig } from '../server/config/index.js';
import type { ServerConfig } from '../server/config/types.js';
import { logFilePath, runningPid, startDaemon, stopDaemon } from './daemon.js';

export const DEFAULT_CLUSTER_DIR = 'cluster';
export const DEFAULT_CORES = 3;
/** read replicas a fresh directory gets (the seed exercise's replica1 and replica2) */
export const DEFAULT_REPLICAS = 2;
/** replica N's ports are these plus 1000 × N: replica1 has Bolt 21687, replica2 22687 */
const REPLICA_PORT_BASES = { bolt: 20687, http: 20474, discovery: 20500, catchup: 20600, raft: 20700, prometheus: 20004 } as const;
export const MAX_REPLICAS = 9;
/** a member's ports are these plus 1000 × its number: core1 has Bolt 11687, core2 12687, … */
const PORT_BASES = { bolt: 10687, http: 10474, discovery: 10500, catchup: 10600, raft: 10700, prometheus: 10004 } as const;
/** the largest cluster `up` lays out (core9's ports stay below 20000) */
export const MAX_CORES = 9;
/** how long up waits for a leader that accepts writes */
const LEADER_WAIT_MS = 60_000;
const POLL_MS = 250;
const REQUEST_TIMEOUT_MS = 2000;

export interface MemberPorts {
  readonly bolt: number;
  readonly http: number;
  readonly discovery: number;
  readonly catchup: number;
  readonly raft: number;
  readonly prometheus: number;
}

export function defaultPorts(member: number): MemberPorts {
  const shift = 1000 * member;
  return {
    bolt: PORT_BASES.bolt + shift, http: PORT_BASES.http + shift, discovery: PORT_BASES.discovery + shift,
    catchup: PORT_BASES.catchup + shift, raft: PORT_BASES.raft + shift, prometheus: PORT_BASES.prometheus + shift,
  };
}

export function replicaPorts(replica: number): MemberPorts {
  const shift = 1000 * replica;
  return {
    bolt: REPLICA_PORT_BASES.bolt + shift, http: REPLICA_PORT_BASES.http + shift, discovery: REPLICA_PORT_BASES.discovery + shift,
    catchup: REPLICA_PORT_BASES.catchup + shift, raft: REPLICA_PORT_BASES.raft + shift, prometheus: REPLICA_PORT_BASES.prometheus + shift,
  };
}

/** The neo4j.conf of read replica `replica` (1-based) following cores with `cores` ports. */
export function replicaConf(replica: number, cores: readonly MemberPorts[]): string {
  const own = replicaPorts(replica);
  return [
    `# replica${replica} of a local Causeway cluster, written by \`causeway cluster up\`.`,
    '# Kept as it is by later `cluster up` runs: edit freely (stop the cluster first).',
    'dbms.mode=READ_REPLICA',
    'dbms.connectors.default_listen_address=127.0.0.1',
    'dbms.connectors.default_advertised_address=127.0.0.1',
    `dbms.connector.bolt.listen_address=:${own.bolt}`,
    `dbms.connector.http.listen_address=:${own.http}`,
    `causal_clustering.discovery_listen_address=:${own.discovery}`,
    `causal_clustering.transaction_listen_address=:${own.catchup}`,
    // the backup port beside the member's others (10362 + 1000 × member), not every member on 6362
    `dbms.backup.listen_address=127.0.0.1:${own.bolt - 325}`,
    `causal_clustering.initial_discovery_members=${cores.map((p) => `127.0.0.1:${p.discovery}`).join(',')}`,
    'metrics.prometheus.enabled=true',
    `metrics.prometheus.endpoint=127.0.0.1:${own.prometheus}`,
    '',
  ].join('\n');
}

/** The neo4j.conf of member `member` (1-based) of a local cluster whose members have `all` ports. */
export function memberConf(member: number, all: readonly MemberPorts[]): string {
  const own = all[member - 1]!;
  const formation = all.length;
  return [
    `# core${member} of a local ${all.length}-core Causeway cluster, written by \`causeway cluster up\`.`,
    '# Kept as it is by later `cluster up` runs: edit freely (stop the cluster first).',
    'dbms.mode=CORE',
    'dbms.connectors.default_listen_address=127.0.0.1',
    'dbms.connectors.default_advertised_address=127.0.0.1',
    `dbms.connector.bolt.listen_address=:${own.bolt}`,
    `dbms.connector.http.listen_address=:${own.http}`,
    `causal_clustering.discovery_listen_address=:${own.discovery}`,
    `causal_clustering.transaction_listen_address=:${own.catchup}`,
    // the backup port beside the member's others (10362 + 1000 × member), not every member on 6362
    `dbms.backup.listen_address=127.0.0.1:${own.bolt - 325}`,
    `causal_clustering.raft_listen_address=:${own.raft}`,
    `causal_clustering.initial_discovery_members=${all.map((p) => `127.0.0.1:${p.discovery}`).join(',')}`,
    `causal_clustering.minimum_core_cluster_size_at_formation=${formation}`,
    `causal_clustering.minimum_core_cluster_size_at_runtime=${Math.min(3, formation)}`,
    'metrics.prometheus.enabled=true',
    `metrics.prometheus.endpoint=127.0.0.1:${own.prometheus}`,
    '',
  ].join('\n');
}

export interface ClusterCredentials {
  readonly username: string;
  readonly password: string;
}

interface Member {
  readonly name: string;
  readonly home: string;
  readonly confPath: string;
  readonly config: ServerConfig;
}

function readTextFileIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The members' environment: the caller's, without what would point them at another home or conf. */
function memberEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['NEO4J_HOME'];
  delete env['NEO4J_CONF'];
  return env;
}

function loadMember(dir: string, name: string): Member {
  const home = join(dir, name);
  const confPath = join(home, 'conf', 'neo4j.conf');
  const config = loadServerConfig({ env: { ...memberEnv(), NEO4J_HOME: home }, cwd: home, readTextFile: readTextFileIfExists, configFile: confPath });
  return { name, home, confPath, config };
}

/** the core<N> (then replica<N>) homes under dir that have a neo4j.conf, in member order */
function existingMemberNames(dir: string, kind?: 'core' | 'replica'): string[] {
  if (!existsSync(dir)) return [];
  const named = (prefix: string): string[] => readdirSync(dir)
    .filter((name) => new RegExp(`^${prefix}\\d+$`).test(name) && existsSync(join(dir, name, 'conf', 'neo4j.conf')))
    .sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)));
  if (kind !== undefined) return named(kind);
  return [...named('core'), ...named('replica')];
}

function wait(ms: number): Promise<void> {
  return new Promise((done) => {
    const cancel = nodeTicker.every(ms, () => {
      cancel();
      done();
    });
  });
}

function basicAuth(credentials: ClusterCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/** GET on a member's HTTP port: the status code and body, or undefined when it does not answer. */
async function httpGet(member: Member, path: string, credentials: ClusterCredentials): Promise<{ status: number; body: string } | undefined> {
  try {
    const response = await fetch(`http://${member.config.http.host}:${member.config.http.port}${path}`, {
      headers: { authorization: basicAuth(credentials) }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    return { status: response.status, body: await response.text() };
  } catch {
    return undefined;
  }
}

function boltUri(member: Member): string {
  return `bolt://${member.config.bolt.advertisedHost}:${member.config.bolt.advertisedPort}`;
}

function httpUri(member: Member): string {
  return `http://${member.config.http.host}:${member.config.http.port}`;
}

function metricsUri(member: Member): string | undefined {
  const raw = member.config.raw;
  if ((raw.get('server.metrics.prometheus.enabled') ?? raw.get('metrics.prometheus.enabled'))?.trim().toLowerCase() !== 'true') return undefined;
  const endpoint = raw.get('server.metrics.prometheus.endpoint') ?? raw.get('metrics.prometheus.endpoint') ?? 'localhost:2004';
  return `http://${endpoint}/metrics`;
}

function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n') + '\n';
}

export interface ClusterUpOptions {
  readonly dir: string;
  /** members to run; undefined: as many as the directory already has, else 3 */
  readonly cores?: number;
  /** read replicas; undefined: as many as the directory already has, else 2 for a fresh directory */
  readonly replicas?: number;
  readonly credentials: ClusterCredentials;
}

export async function clusterUp(options: ClusterUpOptions, out: (text: string) => void): Promise<number> {
  const dir = resolve(options.dir);
  const existing = existingMemberNames(dir, 'core');
  const existingReplicas = existingMemberNames(dir, 'replica');
  const cores = options.cores ?? (existing.length > 0 ? existing.length : DEFAULT_CORES);
  if (!Number.isInteger(cores) || cores < 1 || cores > MAX_CORES) {
    out(`--cores must be a whole number from 1 to ${MAX_CORES}, not ${options.cores}.\n`);
    return 64;
  }
  const replicas = options.replicas ?? (existing.length > 0 ? existingReplicas.length : DEFAULT_REPLICAS);
  if (!Number.isInteger(replicas) || replicas < 0 || replicas > MAX_REPLICAS) {
    out(`--replicas must be a whole number from 0 to ${MAX_REPLICAS}, not ${options.replicas}.\n`);
    return 64;
  }
  const plan = Array.from({ length: cores }, (_, i) => defaultPorts(i + 1));
  const members: Member[] = [];
  try {
    for (let n = 1; n <= cores; n++) {
      const confPath = join(dir, `core${n}`, 'conf', 'neo4j.conf');
      if (!existsSync(confPath)) {
        mkdirSync(join(dir, `core${n}`, 'conf'), { recursive: true });
        writeFileSync(confPath, memberConf(n, plan));
      }
      members.push(loadMember(dir, `core${n}`));
    }
    for (let n = 1; n <= replicas; n++) {
      const confPath = join(dir, `replica${n}`, 'conf', 'neo4j.conf');
      if (!existsSync(confPath)) {
        mkdirSync(join(dir, `replica${n}`, 'conf'), { recursive: true });
        writeFileSync(confPath, replicaConf(n, plan));
      }
      members.push(loadMember(dir, `replica${n}`));
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      out(`Configuration error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  out(`Starting a ${cores}-core cluster${replicas > 0 ? ` with ${replicas} read replica${replicas === 1 ? '' : 's'}` : ''} in ${shown(dir)}\n`);
  const startedNow: Member[] = [];
  for (const member of members) {
    if (runningPid(member.config) !== undefined) {
      out(`  ${member.name} is already running (pid ${runningPid(member.config)}).\n`);
      continue;
    }
    let said = '';
    const code = await startDaemon(member.config, (text) => (said += text), member.confPath, memberEnv());
    if (code !== 0) {
      out(`  ${member.name} did not start:\n${said}`);
      // Leave nothing half-started behind: stop what this run started.
      for (const started of startedNow) await stopDaemon(started.config, () => {});
      return 1;
    }
    startedNow.push(member);
    out(`  ${member.name} started (pid ${runningPid(member.config)}), Bolt ${boltUri(member)}\n`);
  }
  const leader = await waitForWritableLeader(members.filter((m) => m.config.mode === 'CORE'), options.credentials, out);
  if (leader === undefined) {
    out(`No member accepted writes within ${LEADER_WAIT_MS / 1000} s. The members are still running; see their logs:\n`);
    for (const member of members) out(`  ${shown(logFilePath(member.config))}\n`);
    out(`\`causeway cluster status --dir ${shown(dir)}\` shows what each one thinks; \`causeway cluster down --dir ${shown(dir)}\` stops them.\n`);
    return 1;
  }
  out(`The cluster is up; ${leader.name} is the leader.\n\n`);
  const rows: string[][] = [['member', 'pid', 'bolt', 'http', 'metrics', 'home', 'log']];
  for (const member of members) {
    rows.push([
      member.name, String(runningPid(member.config) ?? '-'), boltUri(member), httpUri(member), metricsUri(member) ?? '-',
      shown(member.home), shown(logFilePath(member.config)),
    ]);
  }
  out(table(rows));
  const auth = members[0]!.config.authEnabled ? ` -u ${options.credentials.username} -p ${options.credentials.password}` : '';
  out(`\nConnect with routing (writes go to the leader): npx causeway shell -a neo4j://${members[0]!.config.bolt.advertisedHost}:${members[0]!.config.bolt.advertisedPort}${auth}\n`);
  out(`Roles, terms and applied positions: npx causeway cluster status --dir ${shown(dir)}\n`);
  out(`Stop the cluster: npx causeway cluster down --dir ${shown(dir)}\n`);
  return 0;
}

async function waitForWritableLeader(members: readonly Member[], credentials: ClusterCredentials, out: (text: string) => void): Promise<Member | undefined> {
  let warnedAuth = false;
  for (let waited = 0; waited < LEADER_WAIT_MS; waited += POLL_MS) {
    for (const member of members) {
      const answer = await httpGet(member, '/db/manage/server/causalclustering/writable', credentials);
      if (answer?.status === 200) return member;
      if (answer?.status === 401 && !warnedAuth) {
        warnedAuth = true;
        out(`  ${member.name} refused the credentials for user '${credentials.username}' (HTTP 401); pass --username/--password (or NEO4J_USERNAME/NEO4J_PASSWORD).\n`);
      }
    }
    await wait(POLL_MS);
  }
  return undefined;
}

export interface ClusterDirOptions {
  readonly dir: string;
  readonly credentials: ClusterCredentials;
}

function membersIn(dir: string, out: (text: string) => void): Member[] | undefined {
  const names = existingMemberNames(dir);
  if (names.length === 0) {
    out(`No cluster in ${shown(dir)} (no core<N>/conf/neo4j.conf there); \`causeway cluster up --dir ${shown(dir)}\` makes one.\n`);
    return undefined;
  }
  try {
    return names.map((name) => loadMember(dir, name));
  } catch (error) {
    if (error instanceof ConfigError) {
      out(`Configuration error: ${error.message}\n`);
      return undefined;
    }
    throw error;
  }
}

interface RaftStatusRow {
  readonly role: string;
  readonly term: number;
  readonly appliedIndex: number;
  readonly lastAppliedTxId: number;
  readonly leader: string;
  readonly memberId: string;
}

/** a read replica's row: its role and applied position from its HTTP status */
async function replicaStatusOf(member: Member, credentials: ClusterCredentials): Promise<RaftStatusRow | string> {
  const answer = await httpGet(member, `/db/${member.config.defaultDatabase}/cluster/status`, credentials);
  if (answer === undefined || answer.status !== 200) return answer === undefined ? 'no answer' : `HTTP ${answer.status}`;
  const status = JSON.parse(answer.body) as { memberId: string; leader: string | null; lastAppliedRaftIndex: number; replicationLagTxs: number };
  return {
    memberId: status.memberId, role: `READ_REPLICA (lag ${status.replicationLagTxs})`, term: Number.NaN, leader: status.leader ?? '',
    appliedIndex: Number.NaN, lastAppliedTxId: status.lastAppliedRaftIndex,
  };
}

async function raftStatusOf(member: Member, credentials: ClusterCredentials): Promise<RaftStatusRow | string> {
  if (member.config.mode === 'READ_REPLICA') return replicaStatusOf(member, credentials);
  const driver = neo4j.driver(boltUri(member), neo4j.auth.basic(credentials.username, credentials.password), {
    connectionTimeout: REQUEST_TIMEOUT_MS, maxConnectionPoolSize: 1, disableLosslessIntegers: true,
  });
  try {
    const result = await driver.executeQuery('CALL db.bolt.getRaftStatus() YIELD node_id, role, term, leader, applied_index, last_applied_tx_id RETURN *');
    const record = result.records[0];
    if (record === undefined) return 'no status';
    return {
      memberId: record.get('node_id') as string, role: record.get('role') as string, term: record.get('term') as number,
      leader: record.get('leader') as string, appliedIndex: record.get('applied_index') as number, lastAppliedTxId: record.get('last_applied_tx_id') as number,
    };
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0]! : String(error);
  } finally {
    await driver.close();
  }
}

/** Each member's role, term and applied position; exit 0 when every member runs and one leads, 3 otherwise. */
export async function clusterStatus(options: ClusterDirOptions, out: (text: string) => void): Promise<number> {
  const dir = resolve(options.dir);
  const members = membersIn(dir, out);
  if (members === undefined) return 3;
  const rows: string[][] = [['member', 'pid', 'bolt', 'role', 'term', 'applied index', 'last tx id', 'member id']];
  let leaders = 0;
  let down = 0;
  const notes: string[] = [];
  const statuses = await Promise.all(members.map(async (member) => {
    const pid = runningPid(member.config);
    return { member, pid, status: pid === undefined ? undefined : await raftStatusOf(member, options.credentials) };
  }));
  for (const { member, pid, status } of statuses) {
    if (pid === undefined) {
      down++;
      rows.push([member.name, '-', boltUri(member), 'not running', '', '', '', '']);
    } else if (typeof status === 'string' || status === undefined) {
      rows.push([member.name, String(pid), boltUri(member), 'unreachable', '', '', '', '']);
      notes.push(`${member.name}: ${status ?? 'no answer'}`);
    } else {
      if (status.role === 'LEADER') leaders++;
      const shownNumber = (n: number): string => (Number.isNaN(n) ? '-' : String(n));
      rows.push([member.name, String(pid), boltUri(member), status.role, shownNumber(status.term), shownNumber(status.appliedIndex), String(status.lastAppliedTxId), status.memberId]);
    }
  }
  out(table(rows));
  for (const note of notes) out(`${note}\n`);
  if (down === members.length) {
    out(`The cluster in ${shown(dir)} is not running.\n`);
    return 3;
  }
  if (leaders === 0) out('No member is the leader right now (an election may be under way, or a majority is down).\n');
  return down === 0 && leaders === 1 && notes.length === 0 ? 0 : 3;
}

/** Stops every member that runs, by the pid files `up` wrote. */
export async function clusterDown(options: { readonly dir: string }, out: (text: string) => void): Promise<number> {
  const dir = resolve(options.dir);
  const members = membersIn(dir, out);
  if (members === undefined) return 0;
  const outcomes = await Promise.all(members.map(async (member) => {
    const pid = runningPid(member.config);
    if (pid === undefined) return { member, code: 0, text: 'not running' };
    let said = '';
    const code = await stopDaemon(member.config, (text) => (said += text));
    return { member, code, text: code === 0 ? `stopped (pid ${pid})` : said.trim() };
  }));
  for (const { member, text } of outcomes) out(`${member.name}: ${text}\n`);
  return outcomes.some((outcome) => outcome.code !== 0) ? 1 : 0;
}
