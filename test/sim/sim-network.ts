// A simulated network: every message gets a delivery tick drawn from the run's delay range, so
// messages reorder; some are dropped or duplicated; blocked directed links model partitions,
// including one-way ones.
import type { Message } from '../../src/raft/messages.js';
import type { SeededRandom } from '../../src/env/random.js';

export interface NetworkFaults {
  dropRate: number;
  duplicateRate: number;
  delayTicksMin: number;
  delayTicksMax: number;
}

export class SimNetwork {
  private readonly buckets: Message[][];
  private readonly blocked = new Set<string>();
  faultsEnabled = true;
  sent = 0;
  dropped = 0;

  constructor(private readonly random: SeededRandom, readonly faults: NetworkFaults) {
    this.buckets = Array.from({ length: faults.delayTicksMax + 2 }, () => []);
  }

  send(message: Message, now: number): void {
    this.sent++;
    if (this.blocked.has(`${message.from}>${message.to}`)) {
      this.dropped++;
      return;
    }
    if (this.faultsEnabled && this.random.chance(this.faults.dropRate)) {
      this.dropped++;
      return;
    }
    const copies = this.faultsEnabled && this.random.chance(this.faults.duplicateRate) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const span = this.faultsEnabled ? this.faults.delayTicksMax - this.faults.delayTicksMin + 1 : 1;
      const base = this.faultsEnabled ? this.faults.delayTicksMin : 1;
      const delay = Math.max(1, base + this.random.int(span));
      (this.buckets[(now + delay) % this.buckets.length] as Message[]).push(message);
    }
  }

  /** messages due at tick now, in a shuffled order */
  deliver(now: number): Message[] {
    const slot = now % this.buckets.length;
    const due = this.buckets[slot] as Message[];
    this.buckets[slot] = [];
    for (let i = due.length - 1; i > 0; i--) {
      const j = this.random.int(i + 1);
      const t = due[i] as Message;
      due[i] = due[j] as Message;
      due[j] = t;
    }
    // A partition formed while a message was in flight still stops it.
    return due.filter((m) => !this.blocked.has(`${m.from}>${m.to}`));
  }

  block(from: string, to: string): void {
    this.blocked.add(`${from}>${to}`);
  }

  heal(): void {
    this.blocked.clear();
  }

  partitioned(): boolean {
    return this.blocked.size > 0;
  }
}
