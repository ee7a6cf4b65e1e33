// Helpers for the index planner tests: run a statement while counting the store access paths it
// uses, and list the operators EXPLAIN shows.
import assert from 'node:assert/strict';
import type { GraphDatabase, GraphTx } from '../../graph/api.js';
import type { PlanDescription } from '../../execution/api.js';
import { CypherEngine } from '../query.js';
import type { CypherValue } from '../../values/value.js';
import { hashKey } from '../../values/compare.js';

export const engine = new CypherEngine();

const SPIED = [
  'allNodes', 'nodesWithLabel', 'nodesByPropertyMatching', 'nodesByProperty', 'relationshipsWithType', 'allRelationships',
  'relsByProperty', 'relsByPropertyMatching',
];

/** Counts the store access paths a statement uses. */
export function spy(tx: GraphTx): { tx: GraphTx; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const proxy = new Proxy(tx, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      if (typeof prop === 'string' && SPIED.includes(prop)) {
        return (...args: unknown[]) => { calls.set(prop, (calls.get(prop) ?? 0) + 1); return (v as (...a: unknown[]) => unknown).apply(target, args); };
      }
      return v.bind(target);
    },
  });
  return { tx: proxy, calls };
}

/** Runs a statement (in `tx`, or its own committed transaction): first column of each row, and the access paths. */
export async function run(db: GraphDatabase, text: string, params: Record<string, CypherValue> = {}, tx?: GraphTx) {
  const own = tx ?? db.begin();
  const s = spy(own);
  const r = await engine.execute(s.tx, text, new Map(Object.entries(params)));
  if (!tx) await own.commit();
  return { rows: r.records.map((row) => row[0]!), calls: s.calls };
}

/** The operators of the EXPLAIN plan, root first, with each operator's Details. */
export async function explainPlan(db: GraphDatabase, text: string): Promise<{ ops: string[]; details: string[] }> {
  const tx = db.begin();
  const cursor = await engine.open(tx, `EXPLAIN ${text}`, new Map());
  const plan = cursor.plan?.();
  tx.rollback();
  const ops: string[] = [];
  const details: string[] = [];
  const walk = (p: PlanDescription): void => {
    ops.push(p.operatorType);
    details.push(String(p.arguments.get('Details') ?? ''));
    p.children.forEach(walk);
  };
  if (plan) walk(plan);
  return { ops, details };
}

/** Asserts EXPLAIN shows `op` and that its Details start with `detail`. */
export async function assertPlanHas(db: GraphDatabase, text: string, op: string, detail: string): Promise<void> {
  const plan = await explainPlan(db, text);
  const at = plan.ops.indexOf(op);
  assert.ok(at >= 0, `${text}: ${plan.ops.join(' ')}`);
  assert.ok(plan.details[at]!.startsWith(detail), `${text}: ${plan.details[at]}`);
}

export async function explain(db: GraphDatabase, text: string): Promise<string[]> {
  return (await explainPlan(db, text)).ops;
}

export const sorted = (rows: CypherValue[]): string[] => rows.map(hashKey).sort();
export const show = (params: Record<string, CypherValue>): string => JSON.stringify(params, (_, v) => typeof v === 'bigint' ? `${v}n` : v);
