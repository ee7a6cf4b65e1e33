// A hand-driven in-memory network of RawNodes for unit tests (etcd's raft_test `network`):
// no disk, no clock; messages are delivered only when the test says so, and any link can be cut.
import { SeededRandom } from '../env/random.js';
import { Neo4jError } from '../core/errors.js';
import type { Message } from './messages.js';
import type { RaftConfig } from './raft.js';
import { defaultRaftLimits } from './raft.js';
import { RawNode } from './raw-node.js';
import type { ReadState } from './read-index.js';
import type { Entry, MemberId, Membership } from './types.js';
import { emptyHardState } from './types.js';

export class TestNetwork {
  readonly nodes = new Map<MemberId, RawNode>();
  readonly applied = new Map<MemberId, Entry[]>();
  readonly readStates = new Map<MemberId, ReadState[]>();
  private queue: Message[] = [];
  private readonly cut = new Set<string>();

  constructor(ids: readonly MemberId[], membership: Membership = { voters: ids, learners: [] }, tweak: Partial<RaftConfig> = {}, seed = 1) {
    const random = new SeededRandom(seed);
    for (const id of ids) {
      const config: RaftConfig = { ...defaultRaftLimits, electionTicks: 10, heartbeatTicks: 1, id, random: random.fork(), ...tweak };
      const node = new RawNode(config, { hardState: emptyHardState, snapshot: null, entries: [], initialMembership: membership });
      this.nodes.set(id, node);
      this.applied.set(id, []);
      this.readStates.set(id, []);
    }
  }

  node(id: MemberId): RawNode {
    const node = this.nodes.get(id);
    if (node === undefined) throw new Error(`no node ${id}`);
    return node;
  }

  /** blocks traffic between a and b in both directions */
  isolate(id: MemberId): void {
    for (const other of this.nodes.keys()) {
      if (other === id) continue;
      this.cut.add(`${id}>${other}`);
      this.cut.add(`${other}>${id}`);
    }
  }

  healAll(): void {
    this.cut.clear();
  }

  /** processes every Ready and delivers messages until quiet (bounded) */
  stabilize(roundsMax = 1000): void {
    for (let round = 0; round < roundsMax; round++) {
      let busy = false;
      for (const [id, node] of this.nodes) {
        if (!node.hasReady()) continue;
        busy = true;
        const ready = node.ready();
        for (const m of ready.messages) if (!this.cut.has(`${m.from}>${m.to}`)) this.queue.push(m);
        this.applied.get(id)?.push(...ready.committedEntries);
        this.readStates.get(id)?.push(...ready.readStates);
        node.advance(ready);
      }
      const batch = this.queue;
      this.queue = [];
      for (const m of batch) {
        busy = true;
        this.nodes.get(m.to)?.step(m);
      }
      if (!busy) return;
    }
    throw new Error('network did not stabilise');
  }

  tickAll(ticks: number, except: readonly MemberId[] = []): void {
    for (let t = 0; t < ticks; t++) {
      for (const [id, node] of this.nodes) if (!except.includes(id)) node.tick();
      this.stabilize();
    }
  }

  leaders(): MemberId[] {
    return [...this.nodes].filter(([, n]) => n.raft.role === 'leader').map(([id]) => id);
  }

  /** proposes on id, ignoring refusals; returns whether it was accepted */
  tryPropose(id: MemberId, text: string): boolean {
    try {
      this.node(id).propose(new TextEncoder().encode(text));
      return true;
    } catch (error) {
      if (error instanceof Neo4jError) return false;
      throw error;
    }
  }
}
