// The cluster health endpoints load balancers and probes call on a core's HTTP port, with Neo4j's
// paths, status codes and bodies: 3.5's /db/manage/server/causalclustering/*, the older
// /db/manage/server/core/*, 4.0's /db/<db>/manage/causalclustering/*, 4.x/5.x's /db/<db>/cluster/*
// and /dbms/cluster/status. writable / read-only / available answer 200 "true" or 404 "false"
// in text/plain (a load balancer's health check reads the code); status is Neo4j's JSON.
// Pure: the member's state comes in through ClusterMonitorView, time through the injected clock.

import type { CoreMember, MemberStatus } from '../../cluster/core-member.js';
import type { Clock, Ticker } from '../../env/clock.js';
import { clusterMembers } from '../cluster/routing.js';
import type { HttpRequest, HttpResponse } from './discovery.js';

/** What the endpoints read from the running core member. */
export interface ClusterMonitorView {
  /** the default (and only) database's name */
  readonly databaseName: string;
  status(): MemberStatus;
  /** whether discovery currently sees the other members (Neo4j's topologyService.isHealthy) */
  discoveryHealthy(): boolean;
  /** applied Raft entries per second over the recent window; null until measured */
  raftCommandsPerSecond(): number | null;
}

export interface ClusterEndpointOptions {
  readonly view: ClusterMonitorView;
  /**
   * Neo4j asks for credentials on these endpoints when auth is on, unless
   * dbms.security.causal_clustering_status_auth_enabled (5.x: dbms.security.cluster_status_auth_enabled)
   * is false. Returns an error response (401), or undefined when the request may proceed.
   */
  readonly authenticate?: (authorization: string | undefined) => Promise<HttpResponse | undefined>;
}

type Check = 'writable' | 'read-only' | 'available' | 'status';

const CHECKS = new Set<string>(['writable', 'read-only', 'available', 'status']);

/** 3.5 / 3.x server paths with no database in them */
const LEGACY_BASES = ['/db/manage/server/causalclustering', '/db/manage/server/core'];
/** /db/<db>/cluster/<check> (4.x/5.x) and /db/<db>/manage/causalclustering/<check> (4.0) */
const DB_PATH = /^\/db\/([^/]+)\/(cluster|manage\/causalclustering)(?:\/([^/]*))?\/?$/;

/**
 * The response for a cluster endpoint path, or undefined when the path is not one (the router
 * goes on). Only GET and HEAD are answered; other methods fall through to the router's 404.
 */
export async function routeClusterRequest(request: HttpRequest, options: ClusterEndpointOptions): Promise<HttpResponse | undefined> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
  const bare = request.path.split('?')[0]!.replace(/\/+$/, '') || '/';
  const target = parseTarget(bare, options.view.databaseName);
  if (target === undefined) return undefined;
  if (options.authenticate) {
    const refused = await options.authenticate(request.authorization);
    if (refused) return refused;
  }
  if (target.kind === 'dbms-status') return dbmsStatus(options.view);
  if (target.kind === 'unknown-database') return { status: 404, contentType: 'text/plain', body: '' };
  if (target.check === undefined) return discover(target.base);
  return answer(target.check, options.view, target.fourX);
}

type Target =
  | { readonly kind: 'dbms-status' }
  | { readonly kind: 'unknown-database' }
  | { readonly kind: 'member'; readonly base: string; readonly check: Check | undefined; readonly fourX: boolean };

function parseTarget(bare: string, databaseName: string): Target | undefined {
  if (bare === '/dbms/cluster/status') return { kind: 'dbms-status' };
  for (const base of LEGACY_BASES) {
    if (bare === base) return { kind: 'member', base, check: undefined, fourX: false };
    if (bare.startsWith(`${base}/`)) {
      const rest = bare.slice(base.length + 1);
      return CHECKS.has(rest) ? { kind: 'member', base, check: rest as Check, fourX: false } : undefined;
    }
  }
  const match = DB_PATH.exec(bare);
  if (!match) return undefined;
  const check = match[3];
  if (check !== undefined && check !== '' && !CHECKS.has(check)) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(match[1]!);
  } catch {
    return undefined;
  }
  // Neo4j answers 404 with no body for a database it does not have.
  if (name !== databaseName) return { kind: 'unknown-database' };
  const base = `/db/${match[1]}/${match[2]}`;
  return { kind: 'member', base, check: check === undefined || check === '' ? undefined : (check as Check), fourX: true };
}

function plain(ok: boolean): HttpResponse {
  return ok ? { status: 200, contentType: 'text/plain', body: 'true' } : { status: 404, contentType: 'text/plain', body: 'false' };
}

function jsonResponse(body: unknown): HttpResponse {
  return { status: 200, contentType: 'application/json', body: JSON.stringify(body) };
}

/** GET on the base path lists the checks, as Neo4j's discover() does. */
function discover(base: string): HttpResponse {
  return jsonResponse({
    available: `${base}/available`,
    writable: `${base}/writable`,
    'read-only': `${base}/read-only`,
    status: `${base}/status`,
  });
}

function answer(check: Check, view: ClusterMonitorView, fourX: boolean): HttpResponse {
  const status = view.status();
  switch (check) {
    // Writable only once the leader holds the lease: before that its writes are still refused,
    // and a load balancer should not send them there.
    case 'writable': return plain(status.role === 'LEADER' && status.holdsLease && !status.stopped);
    // Neo4j counts a candidate as read-only too: it serves reads, not writes.
    case 'read-only': return plain((status.role === 'FOLLOWER' || status.role === 'CANDIDATE') && !status.stopped);
    case 'available': return plain(isAvailable(status));
    case 'status': return jsonResponse(statusBody(view, status, fourX));
  }
}

/** serving its database: bound to a cluster, part of its Raft group, and not stopped */
function isAvailable(status: MemberStatus): boolean {
  return status.clusterId !== null && status.participating && !status.stopped;
}

/** Neo4j's ClusterStatusResponse fields, in its order. */
export function statusBody(view: ClusterMonitorView, status: MemberStatus, fourX: boolean): Record<string, unknown> {
  const leader = status.leaderId;
  const participatingInRaftGroup = status.voters.includes(status.memberId) && leader !== null;
  const sinceLeader = status.millisSinceLastLeaderMessage;
  const millisSinceLastLeaderMessage = leader === status.memberId ? 0 : sinceLeader === null ? null : Math.floor(sinceLeader);
  return {
    lastAppliedRaftIndex: status.appliedIndex,
    participatingInRaftGroup,
    votingMembers: [...status.voters].sort(),
    healthy: !status.stopped,
    memberId: status.memberId,
    leader,
    millisSinceLastLeaderMessage,
    raftCommandsPerSecond: view.raftCommandsPerSecond(),
    core: true,
    // 4.x added the discovery health; 5.x calls cores primaries
    ...(fourX ? { discoveryHealthy: view.discoveryHealthy(), primary: true } : {}),
  };
}

/** /dbms/cluster/status: one entry per database this member hosts. */
function dbmsStatus(view: ClusterMonitorView): HttpResponse {
  const status = view.status();
  return jsonResponse([{
    databaseName: view.databaseName,
    // Causeway has one database per cluster; its identity is the cluster id every member shares.
    databaseUuid: status.clusterId,
    databaseStatus: statusBody(view, status, true),
  }]);
}

/** true when the status endpoints want credentials: auth on and the status-auth setting not false */
export function clusterStatusAuthRequired(authEnabled: boolean, raw: ReadonlyMap<string, string>): boolean {
  if (!authEnabled) return false;
  const setting = raw.get('dbms.security.cluster_status_auth_enabled') ?? raw.get('dbms.security.causal_clustering_status_auth_enabled');
  return setting?.trim().toLowerCase() !== 'false';
}

/** how far back raftCommandsPerSecond looks (Neo4j's causal_clustering.status_throughput_window default, 5 s) */
export const THROUGHPUT_WINDOW_MS = 5000;
/** samples kept: one a second over the window, plus the one that opens it */
const THROUGHPUT_SAMPLES_MAX = 16;

/**
 * Applied entries per second, from (time, applied index) samples the shell takes on a timer.
 * Answers null until the samples cover at least half the window, as Neo4j leaves the field empty
 * until its monitor has enough.
 */
export class RaftThroughput {
  private readonly samples: { atMs: number; applied: number }[] = [];

  constructor(private readonly windowMs = THROUGHPUT_WINDOW_MS) {}

  sample(atMs: number, applied: number): void {
    this.samples.push({ atMs, applied });
    while (this.samples.length > THROUGHPUT_SAMPLES_MAX || (this.samples.length > 2 && atMs - this.samples[1]!.atMs >= this.windowMs)) {
      this.samples.shift();
    }
  }

  perSecond(): number | null {
    if (this.samples.length < 2) return null;
    const first = this.samples[0]!;
    const last = this.samples[this.samples.length - 1]!;
    const spanMs = last.atMs - first.atMs;
    if (spanMs < this.windowMs / 2) return null;
    return Math.max(0, last.applied - first.applied) / (spanMs / 1000);
  }
}

/** The running core's view for the endpoints and metrics, with the throughput sampled once a second. */
export interface ClusterMonitor {
  readonly view: ClusterMonitorView;
  stop(): void;
}

const THROUGHPUT_SAMPLE_MS = 1000;

export function startClusterMonitor(member: CoreMember, databaseName: string, ticker: Ticker, clock: Clock): ClusterMonitor {
  const throughput = new RaftThroughput();
  const take = (): void => throughput.sample(clock.monotonicMs(), member.status().appliedIndex);
  take();
  const stop = ticker.every(THROUGHPUT_SAMPLE_MS, take);
  return {
    view: {
      databaseName,
      status: () => member.status(),
      discoveryHealthy: () => {
        // Discovery is healthy when it shows this member a majority of the voters (itself
        // included), or, before formation, when it shows any other core at all.
        const status = member.status();
        const seen = clusterMembers(member).filter((view) => view.role !== 'READ_REPLICA');
        if (status.clusterId === null) return member.discovery.alive(member.nowMs()).length > 0;
        const voters = new Set(status.voters);
        return seen.filter((view) => voters.has(view.memberId)).length * 2 > voters.size;
      },
      raftCommandsPerSecond: () => throughput.perSecond(),
    },
    stop,
  };
}
