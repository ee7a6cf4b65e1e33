// Durable Raft state behind one interface: the WAL on a real (or simulated) disk, or plain
// memory. Writes are buffered until sync(), which makes all of them durable with one fsync
// (group commit). Any throw from a method means the store can no longer be trusted: the member
// must stop (fail-stop), and every later call throws too.
import type { Entry, HardState, Snapshot } from '../raft/types.js';

export interface RecoveredState {
  readonly hardState: HardState;
  readonly snapshot: Snapshot | null;
  readonly entries: readonly Entry[];
}

export interface RaftStorage {
  /** the state that was durable at the last successful sync */
  recovered(): RecoveredState;
  /** replaces stored entries at entries[0].index and above with entries */
  appendEntries(entries: readonly Entry[]): void;
  saveHardState(hardState: HardState): void;
  /**
   * Records a snapshot and drops every entry it covers; entries after it are kept only if
   * retained says so (a local compaction keeps them, an installed snapshot replaces the log).
   */
  saveSnapshot(snapshot: Snapshot, retained: readonly Entry[]): void;
  /**
   * Optional: local compaction off the event loop. Records snapshot (of applied entries) and
   * drops the entries it covers, keeping every later one, while appends and syncs go on; calls
   * done once it is durable (or with the error that stopped the store). One at a time.
   */
  compactAsync?(snapshot: Snapshot, done: (error: unknown) => void): void;
  /** makes everything above durable; one fsync per call */
  sync(): void;
  /**
   * Optional: writes everything above and makes it durable off the event loop, then calls done
   * (with the error that stopped the store, if any). One in flight at a time; no snapshot buffered.
   */
  syncAsync?(done: (error: unknown) => void): void;
  close(): void;
}
