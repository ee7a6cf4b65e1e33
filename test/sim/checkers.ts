// Safety checkers that watch the cluster from outside the system under test. They see only what
// members persist, commit and apply, and record the first violation of each Raft property:
//   election safety     — at most one leader per term;
//   log matching        — an (index, term) pair always names the same entry and the same
//                         predecessor term, so equal pairs imply equal prefixes (by induction);
//   leader completeness — a new leader holds every entry committed in an earlier term;
//   state-machine safety— no two members commit or apply different entries at one index;
//   durable monotonicity— a member's persisted term never goes down and its vote never changes
//                         within a term, across crashes and restarts.
import type { Raft } from '../../src/raft/raft.js';
import type { Ready } from '../../src/raft/raw-node.js';
import type { Entry, MemberId } from '../../src/raft/types.js';

const decoder = new TextDecoder();

function signature(entry: Entry): string {
  return `${entry.kind}:${decoder.decode(entry.data)}`;
}

interface MemberWatch {
  persistedTerm: number;
  persistedVote: MemberId | null;
  commit: number;
  role: string;
  term: number;
}

export class SafetyChecker {
  readonly violations: string[] = [];
  checks = 0;
  leaderChanges = 0;
  private readonly leaderByTerm = new Map<number, MemberId>();
  private readonly entryAt = new Map<string, string>();
  /** per index: the entry, and the lowest member term in which anyone saw it committed */
  private readonly committed = new Map<number, { term: number; signature: string; commitTerm: number }>();
  private readonly applied = new Map<number, string>();
  private maxCommitted = 0;

  /** the highest commit index any member reached (entries compacted at once included) */
  committedMax = 0;
  private readonly members = new Map<MemberId, MemberWatch>();

  constructor(private readonly now: () => number) {}

  private fail(message: string): void {
    if (this.violations.length < 20) this.violations.push(`tick ${this.now()}: ${message}`);
  }

  private watch(id: MemberId): MemberWatch {
    let w = this.members.get(id);
    if (w === undefined) {
      w = { persistedTerm: 0, persistedVote: null, commit: 0, role: 'follower', term: 0 };
      this.members.set(id, w);
    }
    return w;
  }

  /** a member (re)started with this recovered commit index */
  onStart(id: MemberId, raft: Raft): void {
    const w = this.watch(id);
    w.commit = raft.log.committed;
    w.role = raft.role;
    w.term = raft.term;
  }

  /** a Ready was made durable by member id */
  /** a Ready's hard state is durable */
  onPersisted(id: MemberId, ready: Ready): void {
    const w = this.watch(id);
    const hs = ready.hardState;
    if (hs !== null) {
      this.checks++;
      if (hs.term < w.persistedTerm) this.fail(`${id} persisted term ${hs.term} after ${w.persistedTerm}`);
      if (hs.term === w.persistedTerm && w.persistedVote !== null && hs.vote !== w.persistedVote) {
        this.fail(`${id} changed its vote in term ${hs.term} from ${w.persistedVote} to ${hs.vote ?? 'nobody'}`);
      }
      if (hs.term > w.persistedTerm || hs.vote !== null) w.persistedVote = hs.vote;
      w.persistedTerm = Math.max(w.persistedTerm, hs.term);
    }
  }

  /** a Ready's entries are handed to storage (raft is the member's state at that moment) */
  onWritten(id: MemberId, raft: Raft, ready: Ready): void {
    for (const entry of ready.entries) {
      this.checks++;
      const prevTerm = raft.log.term(entry.index - 1);
      const sig = `${prevTerm ?? '?'}/${signature(entry)}`;
      const key = `${entry.index}:${entry.term}`;
      const known = this.entryAt.get(key);
      if (known === undefined) this.entryAt.set(key, sig);
      else if (!sameEntry(known, sig)) this.fail(`log matching: ${id} holds a different entry at index ${entry.index} term ${entry.term}`);
    }
  }

  /** called after every input a member handled */
  afterStep(id: MemberId, raft: Raft): void {
    const w = this.watch(id);
    this.checks++;
    if (raft.role === 'leader') {
      const leader = this.leaderByTerm.get(raft.term);
      if (leader === undefined) {
        this.leaderByTerm.set(raft.term, id);
        this.leaderChanges++;
        this.checkLeaderCompleteness(id, raft);
      } else if (leader !== id) {
        this.fail(`election safety: ${leader} and ${id} both lead term ${raft.term}`);
      }
    }
    w.role = raft.role;
    w.term = raft.term;
    const commit = raft.log.committed;
    if (commit < w.commit) this.fail(`${id} commit index went back from ${w.commit} to ${commit}`);
    for (let i = w.commit + 1; i <= commit; i++) {
      const entry = raft.log.entry(i);
      if (entry !== undefined) this.recordCommitted(id, entry, raft.term);
    }
    w.commit = Math.max(w.commit, commit);
    if (commit > this.committedMax) this.committedMax = commit;
  }

  private recordCommitted(id: MemberId, entry: Entry, observedTerm: number): void {
    const sig = signature(entry);
    const known = this.committed.get(entry.index);
    if (known !== undefined) known.commitTerm = Math.min(known.commitTerm, observedTerm);
    if (known === undefined) {
      this.committed.set(entry.index, { term: entry.term, signature: sig, commitTerm: observedTerm });
      this.maxCommitted = Math.max(this.maxCommitted, entry.index);
    } else if (known.term !== entry.term || known.signature !== sig) {
      this.fail(`state-machine safety: ${id} committed term ${entry.term} at index ${entry.index}, others term ${known.term}`);
    }
  }

  private checkLeaderCompleteness(id: MemberId, raft: Raft): void {
    const log = raft.log;
    for (let i = log.snapshotIndex + 1; i <= this.maxCommitted; i++) {
      const known = this.committed.get(i);
      // Only leaders of later terms must hold it: a candidate of an earlier term can still win
      // with voters that have not moved on (the commit happened "after" its election).
      if (known === undefined || known.commitTerm >= raft.term) continue;
      const term = log.term(i);
      if (term !== known.term) {
        this.fail(`leader completeness: ${id} leads term ${raft.term} without committed entry ${i} (term ${known.term}, has ${term ?? 'none'})`);
        return;
      }
    }
  }

  onApply(id: MemberId, entry: Entry): void {
    this.checks++;
    const sig = `${entry.term}/${signature(entry)}`;
    const known = this.applied.get(entry.index);
    if (known === undefined) this.applied.set(entry.index, sig);
    else if (known !== sig) this.fail(`state-machine safety: ${id} applied a different entry at index ${entry.index}`);
  }
}

/** '?' stands for a predecessor compacted away at the time, which matches anything */
function sameEntry(a: string, b: string): boolean {
  if (a === b) return true;
  const [aPrev, ...aRest] = a.split('/');
  const [bPrev, ...bRest] = b.split('/');
  if (aRest.join('/') !== bRest.join('/')) return false;
  return aPrev === '?' || bPrev === '?';
}
