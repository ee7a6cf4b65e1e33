// What a transaction's working state costs in memory, charged to the query engine's tracker
// (core/memory.ts) before each change is made, so a memory error leaves the state as it was. The
// sizes are rough heap estimates: a working copy with its maps, set entries and local index
// entries; a property entry; a label; a set entry. A savepoint remembers `bytes` and a rollback
// gives back what was charged since; the end of the transaction gives back everything.

import type { MemoryTracker } from '../core/memory.js';
import type { PropertyValue } from '../values/value.js';

const NODE_STATE_BYTES = 200;
const REL_STATE_BYTES = 200;
const PROPERTY_ENTRY_BYTES = 32;
const LABEL_BYTES = 16;
const SET_ENTRY_BYTES = 24;

export class TxMemoryAccount {
  private memory: MemoryTracker | undefined;
  private sizeOf: (value: PropertyValue) => number = () => 0;
  /** bytes charged to the tracker so far */
  private charged = 0;

  get tracker(): MemoryTracker | undefined {
    return this.memory;
  }

  get bytes(): number {
    return this.charged;
  }

  /** from now on changes are charged to `tracker`; a transaction already ended closes it at once */
  track(tracker: MemoryTracker, sizeOf: (value: PropertyValue) => number, ended: boolean): void {
    this.memory = tracker;
    this.sizeOf = sizeOf;
    if (ended) tracker.close();
  }

  /** a node's working copy: labels and properties */
  node(labelCount: number, properties: ReadonlyMap<string, PropertyValue>): void {
    if (this.memory !== undefined) this.charge(NODE_STATE_BYTES + LABEL_BYTES * labelCount + this.propertiesBytes(properties));
  }

  relationship(properties: ReadonlyMap<string, PropertyValue>): void {
    if (this.memory !== undefined) this.charge(REL_STATE_BYTES + this.propertiesBytes(properties));
  }

  label(): void {
    this.charge(LABEL_BYTES);
  }

  property(value: PropertyValue): void {
    if (this.memory !== undefined) this.charge(PROPERTY_ENTRY_BYTES + this.sizeOf(value));
  }

  /** an id in one of the transaction's sets (a deletion) */
  setEntry(): void {
    this.charge(SET_ENTRY_BYTES);
  }

  /** a savepoint rolled back: what was charged after it had `bytes` is given back */
  releaseTo(bytes: number): void {
    if (this.charged <= bytes) return;
    this.memory?.release(this.charged - bytes);
    this.charged = bytes;
  }

  /** the transaction ended: everything is given back */
  close(): void {
    this.memory?.close();
    this.charged = 0;
  }

  /** throws the memory errors before anything changes */
  private charge(bytes: number): void {
    const memory = this.memory;
    if (memory === undefined) return;
    memory.allocate(bytes);
    this.charged += bytes;
  }

  private propertiesBytes(properties: ReadonlyMap<string, PropertyValue>): number {
    let n = 0;
    for (const value of properties.values()) n += PROPERTY_ENTRY_BYTES + this.sizeOf(value);
    return n;
  }
}
