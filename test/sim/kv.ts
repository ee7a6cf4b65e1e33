// The replicated state machine of the simulation: a key-value register map. A command is
// "opId|key|value" in UTF-8; opId identifies the client operation that proposed it.
import type { StateMachine } from '../../src/replication/driver.js';
import type { Entry, Snapshot } from '../../src/raft/types.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface KvCommand {
  readonly opId: number;
  readonly key: string;
  readonly value: string;
}

export function encodeCommand(command: KvCommand): Uint8Array {
  return encoder.encode(`${command.opId}|${command.key}|${command.value}`);
}

export function decodeCommand(data: Uint8Array): KvCommand {
  const [opId, key, value] = decoder.decode(data).split('|');
  return { opId: Number(opId), key: key ?? '', value: value ?? '' };
}

export class KvStateMachine implements StateMachine {
  /** set by the simulated member when compaction images are built asynchronously */
  snapshotAsync?: (done: (data: Uint8Array | undefined) => void) => void;
  values = new Map<string, string>();
  onApply: ((entry: Entry, command: KvCommand | null) => void) | null = null;
  onRestore: ((snapshot: Snapshot) => void) | null = null;

  apply(entry: Entry): void {
    let command: KvCommand | null = null;
    if (entry.kind === 'normal') {
      command = decodeCommand(entry.data);
      this.values.set(command.key, command.value);
    }
    this.onApply?.(entry, command);
  }

  snapshot(): Uint8Array {
    return encoder.encode(JSON.stringify([...this.values]));
  }

  restore(snapshot: Snapshot): void {
    this.values = new Map(JSON.parse(decoder.decode(snapshot.data)) as [string, string][]);
    this.onRestore?.(snapshot);
  }
}
