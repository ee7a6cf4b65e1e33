// Snapshots a leader sends to followers its log no longer reaches. A member's own compaction
// snapshot carries no store image when its store is durable on its own (the store is the image,
// see graph-state-machine.ts), so the image is built when a follower needs one: off the event loop,
// once per snapshot for any number of followers and resends, at most one build at a time, and
// held only until the log is compacted again.

import type { InstallSnapshot } from '../raft/messages.js';
import type { MemberId, Snapshot } from '../raft/types.js';

export type ExpandSnapshot = (snapshot: Snapshot, done: (expanded: Snapshot | undefined) => void) => void;

export class SnapshotSender {
  /** the newest snapshot built for sending (one store image held at a time) */
  private built: Snapshot | undefined;
  /** the snapshot index being built, and the newest message waiting for it per follower */
  private building: { readonly index: number; readonly waiting: Map<MemberId, InstallSnapshot> } | undefined;

  constructor(
    private readonly needsImage: (snapshot: Snapshot) => boolean,
    private readonly expand: ExpandSnapshot,
    private readonly transmit: (message: InstallSnapshot) => void,
    private readonly warn: (message: string) => void,
  ) {}

  /** forgets the image built for a snapshot older than index (the log was compacted again) */
  dropBefore(index: number): void {
    if (this.built !== undefined && this.built.meta.index < index) this.built = undefined;
  }

  send(message: InstallSnapshot): void {
    const snapshot = message.snapshot;
    if (!this.needsImage(snapshot)) {
      this.transmit(message);
      return;
    }
    if (this.built?.meta.index === snapshot.meta.index) {
      this.transmit({ ...message, snapshot: this.built });
      return;
    }
    // while another index builds, the follower waits for it and is served afterwards (Raft also
    // resends a snapshot that got no answer)
    if (this.building !== undefined) {
      this.building.waiting.set(message.to, message);
      return;
    }
    const building = { index: snapshot.meta.index, waiting: new Map([[message.to, message]]) };
    this.building = building;
    this.expand(snapshot, (expanded) => {
      this.building = undefined;
      if (expanded === undefined) {
        this.warn(`Building the store image for a snapshot at index ${building.index} failed; the leader sends it again later.`);
        return;
      }
      this.built = expanded;
      for (const waiting of building.waiting.values()) this.send(waiting);
    });
  }
}
