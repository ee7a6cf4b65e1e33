// A linearizability checker for a history of register operations, in the Wing–Gong style with
// Lowe's memoisation (as Porcupine does it): depth-first search over which pending operation
// takes effect next, caching (set of linearized operations, register value) pairs so no state is
// explored twice. The history is split by key first (P-compositionality). The search is bounded:
// past stepsMax it answers 'unknown' rather than running away.

export interface RegisterOp {
  readonly key: string;
  readonly kind: 'read' | 'write';
  /** the value written, or the value read (null: the key was absent) */
  readonly value: string | null;
  readonly call: number;
  /** Infinity when the outcome is unknown (a write that may or may not have happened) */
  readonly ret: number;
}

export type Verdict = 'ok' | 'violation' | 'unknown';

interface Node {
  op: number;
  isCall: boolean;
  time: number;
  match: Node | null;
  prev: Node | null;
  next: Node | null;
}

export function checkHistory(ops: readonly RegisterOp[], stepsMax = 200_000): { verdict: Verdict; key?: string } {
  const byKey = new Map<string, RegisterOp[]>();
  for (const op of ops) {
    let list = byKey.get(op.key);
    if (list === undefined) byKey.set(op.key, (list = []));
    list.push(op);
  }
  let sawUnknown = false;
  for (const [key, list] of byKey) {
    const verdict = checkRegister(withoutUnobservedUnknownWrites(list), stepsMax);
    if (verdict === 'violation') return { verdict, key };
    if (verdict === 'unknown') sawUnknown = true;
  }
  return { verdict: sawUnknown ? 'unknown' : 'ok' };
}

/**
 * A write of unknown outcome whose value no read returned can always be linearized last (its
 * return is at infinity), where it affects nothing: dropping it keeps the verdict and removes
 * most of the branching that crashes and timeouts add.
 */
function withoutUnobservedUnknownWrites(ops: readonly RegisterOp[]): RegisterOp[] {
  const observed = new Set<string | null>();
  for (const op of ops) if (op.kind === 'read') observed.add(op.value);
  return ops.filter((op) => !(op.kind === 'write' && op.ret === Infinity && !observed.has(op.value)));
}

function buildList(ops: readonly RegisterOp[]): Node {
  const nodes: Node[] = [];
  ops.forEach((op, i) => {
    const call: Node = { op: i, isCall: true, time: op.call, match: null, prev: null, next: null };
    const ret: Node = { op: i, isCall: false, time: op.ret, match: null, prev: null, next: null };
    call.match = ret;
    nodes.push(call, ret);
  });
  // Calls sort before returns at equal times, so touching operations count as concurrent.
  nodes.sort((a, b) => a.time - b.time || (a.isCall === b.isCall ? 0 : a.isCall ? -1 : 1));
  const head: Node = { op: -1, isCall: false, time: -Infinity, match: null, prev: null, next: null };
  let prev = head;
  for (const node of nodes) {
    prev.next = node;
    node.prev = prev;
    prev = node;
  }
  return head;
}

function lift(call: Node): void {
  (call.prev as Node).next = call.next;
  if (call.next) call.next.prev = call.prev;
  const ret = call.match as Node;
  (ret.prev as Node).next = ret.next;
  if (ret.next) ret.next.prev = ret.prev;
}

function unlift(call: Node): void {
  const ret = call.match as Node;
  (ret.prev as Node).next = ret;
  if (ret.next) ret.next.prev = ret;
  (call.prev as Node).next = call;
  if (call.next) call.next.prev = call;
}

export function checkRegister(ops: readonly RegisterOp[], stepsMax: number): Verdict {
  const head = buildList(ops);
  const linearized = new Uint32Array(Math.ceil(ops.length / 32) + 1);
  const cache = new Set<string>();
  const stack: { call: Node; state: string | null }[] = [];
  let state: string | null = null;
  let entry = head.next;
  let steps = 0;
  while (head.next !== null) {
    if (++steps > stepsMax) return 'unknown';
    if (entry === null) return 'violation';
    if (entry.isCall) {
      const op = ops[entry.op] as RegisterOp;
      const accepted = op.kind === 'write' || op.value === state;
      const nextState: string | null = op.kind === 'write' ? op.value : state;
      if (accepted) {
        const word = entry.op >>> 5;
        const bit = 1 << (entry.op & 31);
        linearized[word] = (linearized[word] as number) | bit;
        const key = `${linearized.join(',')}|${nextState ?? '\u0000'}`;
        if (!cache.has(key)) {
          cache.add(key);
          stack.push({ call: entry, state });
          state = nextState;
          lift(entry);
          entry = head.next;
          continue;
        }
        linearized[word] = (linearized[word] as number) & ~bit;
      }
      entry = entry.next;
    } else {
      // A return with its call still pending: the ops chosen so far cannot be right.
      const top = stack.pop();
      if (top === undefined) return 'violation';
      const word = top.call.op >>> 5;
      linearized[word] = (linearized[word] as number) & ~(1 << (top.call.op & 31));
      state = top.state;
      unlift(top.call);
      entry = top.call.next;
    }
  }
  return 'ok';
}
