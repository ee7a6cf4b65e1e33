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
