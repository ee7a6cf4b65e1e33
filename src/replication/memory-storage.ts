// RaftStorage in memory, for unit tests of the driver: keeps what was "synced" apart from what
// was only written, so a test can crash it and see exactly the synced state come back.
import type { Entry, HardState, Snapshot } from '../raft/types.js';
import { emptyHardState } from '../raft/types.js';
import type { RaftStorage, RecoveredState } from './storage.js';

interface State {
  hardState: HardState;
  snapshot: Snapshot | null;
  entries: Entry[];
}

function applyEntries(state: State, entries: readonly Entry[]): void {
  const first = entries[0];
  if (first === undefined) return;
  const base = state.snapshot?.meta.index ?? 0;
  state.entries.length = Math.max(0, first.index - base - 1);
  state.entries.push(...entries);
}

export class MemoryRaftStorage implements RaftStorage {
  private durable: State = { hardState: emptyHardState, snapshot: null, entries: [] };
  private written: State = { hardState: emptyHardState, snapshot: null, entries: [] };
  syncCount = 0;
  /** asynchronous syncs begun and not yet completed (completeSync runs the oldest) */
  private readonly inFlight: { state: State; done: (error: unknown) => void }[] = [];

  recovered(): RecoveredState {
    return { hardState: this.durable.hardState, snapshot: this.durable.snapshot, entries: [...this.durable.entries] };
  }

  appendEntries(entries: readonly Entry[]): void {
    applyEntries(this.written, entries);
  }

  saveHardState(hardState: HardState): void {
    this.written.hardState = hardState;
  }

  saveSnapshot(snapshot: Snapshot, retained: readonly Entry[]): void {
    this.written.snapshot = snapshot;
    this.written.entries = [...retained];
  }

  sync(): void {
    this.syncCount++;
    this.durable = { ...this.written, entries: [...this.written.entries] };
  }

  /** begins an asynchronous sync of what is written now; it completes at completeSync() */
  syncAsync(done: (error: unknown) => void): void {
    this.inFlight.push({ state: { ...this.written, entries: [...this.written.entries] }, done });
  }

  /** the oldest asynchronous sync returns (with error, it failed); whether there was one */
  completeSync(error: unknown = null): boolean {
    const op = this.inFlight.shift();
    if (op === undefined) return false;
    if (error === null) {
      this.syncCount++;
      this.durable = op.state;
    }
    op.done(error);
    return true;
  }

  get syncsInFlight(): number {
    return this.inFlight.length;
  }

  /** simulates a crash: everything not synced is gone */
  crash(): void {
    this.inFlight.length = 0;
    this.written = { ...this.durable, entries: [...this.durable.entries] };
  }

  close(): void {}
}
