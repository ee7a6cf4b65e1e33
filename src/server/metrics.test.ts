// Proves the Prometheus text rendering: HELP/TYPE lines, _total on the 5.x counter name only,
// legacy aliases carrying the same value, gauges read at scrape time.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsRegistry } from './metrics.js';

test('counters and gauges render in the Prometheus text format', () => {
  // Dashboards scrape these exact names and the 5.x _total suffix convention.
  const registry = new MetricsRegistry();
  const opened = registry.counter('Bolt connections opened', 'neo4j_dbms_bolt_connections_opened', 'neo4j_bolt_connections_opened');
  let live = 3;
  registry.gauge('open now', () => live, 'neo4j_dbms_bolt_connections_running');
  opened.inc();
  opened.inc(2);
  live = 5;
  assert.equal(registry.render(), [
    '# HELP neo4j_dbms_bolt_connections_opened_total Bolt connections opened',
    '# TYPE neo4j_dbms_bolt_connections_opened_total counter',
    'neo4j_dbms_bolt_connections_opened_total 3',
    '# HELP neo4j_bolt_connections_opened Bolt connections opened',
    '# TYPE neo4j_bolt_connections_opened counter',
    'neo4j_bolt_connections_opened 3',
    '# HELP neo4j_dbms_bolt_connections_running open now',
    '# TYPE neo4j_dbms_bolt_connections_running gauge',
    'neo4j_dbms_bolt_connections_running 5',
    '',
  ].join('\n'));
});

test('a core\'s Raft gauges render under the 5.x and the 3.5 names and move with the member', async () => {
  // "No leader" alerts count neo4j_causal_clustering_core_is_leader == 1; 5.x dashboards read neo4j_database_<db>_cluster_raft_*.
  const { registerRaftMetrics } = await import('./metrics.js');
  const registry = new MetricsRegistry();
  let status = { role: 'FOLLOWER', term: 2, lastIndex: 9, commitIndex: 8, appliedIndex: 7, millisSinceLastLeaderMessage: 12.9 as number | null };
  registerRaftMetrics(registry, 'my-db', () => status);
  const values = (): Map<string, string> => new Map(registry.render().split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split(' ') as [string, string]));
  let seen = values();
  for (const [name, value] of [['is_leader', '0'], ['term', '2'], ['append_index', '9'], ['commit_index', '8'], ['applied_index', '7'], ['last_leader_message', '12']]) {
    assert.equal(seen.get(`neo4j_database_my_db_cluster_raft_${name}`), value, name);
    assert.equal(seen.get(`neo4j_causal_clustering_core_${name}`), value, name);
  }
  assert.match(registry.render(), /# TYPE neo4j_causal_clustering_core_is_leader gauge/);
  status = { role: 'LEADER', term: 3, lastIndex: 10, commitIndex: 10, appliedIndex: 10, millisSinceLastLeaderMessage: 0 };
  seen = values();
  assert.equal(seen.get('neo4j_causal_clustering_core_is_leader'), '1');
  assert.equal(seen.get('neo4j_database_my_db_cluster_raft_term'), '3');
  status = { ...status, role: 'CANDIDATE', millisSinceLastLeaderMessage: null };
  assert.equal(values().get('neo4j_causal_clustering_core_last_leader_message'), 'NaN', 'no leader heard from yet');
});

test('a core\'s replication counters render under both names and count what the member reports', async () => {
  // Proves leader_not_found and the replication_* families a 3.5 dashboard graphs (5.x: with _total).
  const { registerRaftMetrics } = await import('./metrics.js');
  const registry = new MetricsRegistry();
  const status = {
    role: 'LEADER', term: 2, lastIndex: 9, commitIndex: 9, appliedIndex: 9, millisSinceLastLeaderMessage: 0,
    replication: { proposed: 5, succeeded: 4, failed: 1, leaderNotFound: 3 },
  };
  registerRaftMetrics(registry, 'neo4j', () => status);
  const seen = new Map(registry.render().split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split(' ') as [string, string]));
  for (const [name, value] of [['replication_new', '5'], ['replication_attempt', '5'], ['replication_success', '4'], ['replication_fail', '1'], ['leader_not_found', '3']]) {
    assert.equal(seen.get(`neo4j_database_neo4j_cluster_raft_${name}_total`), value, name);
    assert.equal(seen.get(`neo4j_causal_clustering_core_${name}`), value, name);
  }
  assert.match(registry.render(), /# TYPE neo4j_causal_clustering_core_leader_not_found counter/);
});
