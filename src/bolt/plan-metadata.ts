// The parts of a result's final SUCCESS that describe the statement rather than its rows:
// `plan` (EXPLAIN), `profile` (PROFILE), and its notifications — as `notifications` for Bolt up
// to 5.5, as GQL `statuses` (led by the outcome status) for 5.6+, where drivers read them as
// summary.gqlStatusObjects.

import type { PlanDescription, ProfiledPlan, QueryCursor, QueryNotification } from '../execution/api.js';
import type { CypherMap, CypherValue } from '../values/value.js';
import { meta } from './messages.js';

function planMap(plan: PlanDescription): CypherMap {
  return meta({
    operatorType: plan.operatorType,
    identifiers: [...plan.identifiers],
    args: new Map(plan.arguments),
    children: plan.children.map(planMap),
  });
}

function profileMap(plan: ProfiledPlan): CypherMap {
  return meta({
    operatorType: plan.operatorType,
    identifiers: [...plan.identifiers],
    args: new Map(plan.arguments),
    children: plan.children.map(profileMap),
    rows: BigInt(plan.rows),
    dbHits: BigInt(plan.dbHits),
    pageCacheHits: 0n,
    pageCacheMisses: 0n,
    pageCacheHitRatio: 0,
    time: 0n,
  });
}

function positionMap(n: QueryNotification): CypherMap | undefined {
  if (!n.position) return undefined;
  return meta({ offset: BigInt(n.position.offset), line: BigInt(n.position.line), column: BigInt(n.position.column) });
}

function notificationMap(n: QueryNotification): CypherMap {
  return meta({
    code: n.code, title: n.title, description: n.description, severity: n.severity, category: n.category, position: positionMap(n),
  });
}

function statusMap(n: QueryNotification): CypherMap {
  return meta({
    gql_status: n.gqlStatus,
    status_description: n.statusDescription,
    neo4j_code: n.code,
    title: n.title,
    description: n.description,
    diagnostic_record: meta({
      OPERATION: '', OPERATION_CODE: '0', CURRENT_SCHEMA: '/', _severity: n.severity, _classification: n.category, _position: positionMap(n),
    }),
  });
}

/** The GQL outcome status every 5.6+ summary starts with. */
function outcomeStatus(columns: number, records: number): CypherMap {
  const [gql_status, status_description] = columns === 0
    ? ['00001', 'note: successful completion - omitted result']
    : records === 0 ? ['02000', 'note: no data'] : ['00000', 'note: successful completion'];
  return meta({ gql_status, status_description, diagnostic_record: meta({ OPERATION: '', OPERATION_CODE: '0', CURRENT_SCHEMA: '/' }) });
}

/**
 * Summary entries for `cursor` (undefined entries are left out of the message). With no
 * notification there are no statuses either: 5.6+ drivers then give the outcome status (00000,
 * 02000, 00001) themselves from what they streamed, which is what we would send, and decoding a
 * status map per summary was a measurable share of a driver's work per write (two-cluster A/B:
 * 1.02x auto-commit writes, 1.06x with executeQuery).
 */
export function statementMetadata(cursor: QueryCursor, records: number, gqlStatuses: boolean): Record<string, CypherValue | undefined> {
  const plan = cursor.plan?.();
  const profile = cursor.profile?.();
  const notifications = cursor.notifications?.() ?? [];
  const out: Record<string, CypherValue | undefined> = {
    plan: plan ? planMap(plan) : undefined,
    profile: profile ? profileMap(profile) : undefined,
  };
  if (notifications.length === 0) return out;
  if (gqlStatuses) out.statuses = [outcomeStatus(cursor.columns.length, records), ...notifications.map(statusMap)];
  else out.notifications = notifications.map(notificationMap);
  return out;
}
