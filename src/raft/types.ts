// Plain data the Raft core exchanges with its shell: log entries, hard state, membership,
// snapshots. Indexes and terms are plain numbers (safe integers, far beyond any real log).

export type MemberId = string;

/** 'empty' is the no-op a new leader appends; 'config' carries an encoded Membership. */
export type EntryKind = 'normal' | 'config' | 'empty';

export interface Entry {
  readonly term: number;
  readonly index: number;
  readonly kind: EntryKind;
  readonly data: Uint8Array;
}

/** What must be durable before any message that depends on it is sent. */
export interface HardState {
  readonly term: number;
  readonly vote: MemberId | null;
  readonly commit: number;
}

/** Voters decide elections and commits; learners only replicate. The sets are disjoint. */
export interface Membership {
  readonly voters: readonly MemberId[];
  readonly learners: readonly MemberId[];
}

export interface SnapshotMeta {
  /** the last log index the snapshot covers */
  readonly index: number;
  readonly term: number;
  readonly membership: Membership;
}

export interface Snapshot {
  readonly meta: SnapshotMeta;
  /** the application's state machine image, opaque to Raft */
  readonly data: Uint8Array;
}

export const emptyHardState: HardState = { term: 0, vote: null, commit: 0 };

export function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

export function encodeMembership(membership: Membership): Uint8Array {
  return textEncoder.encode(JSON.stringify({ voters: [...membership.voters], learners: [...membership.learners] }));
}

export function decodeMembership(data: Uint8Array): Membership {
  const parsed = JSON.parse(textDecoder.decode(data)) as { voters?: unknown; learners?: unknown };
  const voters = Array.isArray(parsed.voters) ? parsed.voters.map(String) : [];
  const learners = Array.isArray(parsed.learners) ? parsed.learners.map(String) : [];
  return { voters, learners };
}

export function isVoter(membership: Membership, id: MemberId): boolean {
  return membership.voters.includes(id);
}

export function isMember(membership: Membership, id: MemberId): boolean {
  return membership.voters.includes(id) || membership.learners.includes(id);
}

export function allMembers(membership: Membership): MemberId[] {
  return [...membership.voters, ...membership.learners];
}

export function entryBytes(entry: Entry): number {
  // A fixed allowance for the header keeps empty entries from being free.
  return entry.data.length + 24;
}
