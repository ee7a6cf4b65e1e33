// A transaction's savepoints: an undo journal of precise inverse steps, recorded only while some
// savepoint is outstanding (so a transaction the runtime is not guarding pays nothing), plus the
// scalars each savepoint saved whole. Taking a savepoint is O(1); rolling back replays the steps
// recorded since, newest first.

/** Outstanding savepoints are nested: rolling back to one undoes the later ones too. */
export class UndoJournal<Saved> {
  /** inverse steps of the changes made since the oldest outstanding savepoint */
  private readonly steps: (() => void)[] = [];
  /** outstanding savepoints, oldest first */
  private readonly marks: { readonly token: number; readonly length: number; readonly saved: Saved }[] = [];
  private seq = 0;

  /** a savepoint is outstanding: changes must record how to undo themselves */
  get active(): boolean {
    return this.marks.length > 0;
  }

  /** undo steps held now (0 once the oldest savepoint is released) */
  get length(): number {
    return this.steps.length;
  }

  /** Records the inverse of a change just made (dropped when no savepoint is outstanding). */
  record(undo: () => void): void {
    if (this.marks.length > 0) this.steps.push(undo);
  }

  mark(saved: Saved): number {
    const token = ++this.seq;
    this.marks.push({ token, length: this.steps.length, saved });
    return token;
  }

  /** Undoes every change since `token` and returns what it saved; the savepoint stays usable. */
  rollbackTo(token: number): Saved {
    const at = this.find(token);
    if (at < 0) throw new Error(`invariant violated: savepoint ${token} is not outstanding`);
    const mark = this.marks[at]!;
    while (this.steps.length > mark.length) this.steps.pop()!();
    this.marks.length = at + 1;
    return mark.saved;
  }

  /** Forgets `token` and every later savepoint; nothing when it is gone already. */
  release(token: number): void {
    const at = this.find(token);
    if (at < 0) return;
    this.marks.length = at;
    if (at === 0) this.steps.length = 0;
  }

  clear(): void {
    this.steps.length = 0;
    this.marks.length = 0;
  }

  private find(token: number): number {
    for (let i = this.marks.length - 1; i >= 0; i--) if (this.marks[i]!.token === token) return i;
    return -1;
  }
}

// Journaled edits of the transaction state's collections: each change records its exact inverse.

/** Adds `delta` to a per-key count. */
export function addCount<K>(counts: Map<K, number>, key: K, delta: number, undo: UndoJournal<unknown>): void {
  const before = counts.get(key);
  counts.set(key, (before ?? 0) + delta);
  if (undo.active) undo.record(before === undefined ? () => counts.delete(key) : () => counts.set(key, before));
}

/** Adds `value` to a set unless it is there already. */
export function addToSet<T>(set: Set<T>, value: T, undo: UndoJournal<unknown>): void {
  if (set.has(value)) return;
  set.add(value);
  if (undo.active) undo.record(() => set.delete(value));
}

/** Appends `value` to the list kept under `key`. */
export function appendToList<K, V>(lists: Map<K, V[]>, key: K, value: V, undo: UndoJournal<unknown>): void {
  const list = lists.get(key);
  if (list === undefined) {
    lists.set(key, [value]);
    if (undo.active) undo.record(() => lists.delete(key));
  } else {
    list.push(value);
    if (undo.active) undo.record(() => list.pop());
  }
}

/** Puts a Map back to exactly these entries, in this order. */
export function restoreEntries<K, V>(map: Map<K, V>, entries: readonly (readonly [K, V])[]): void {
  map.clear();
  for (const [key, value] of entries) map.set(key, value);
}

/**
 * Undo put entries back at the end of their Map; move the entries after the first one out of
 * place, in seq order, so the Map is back in seq (first-touch) order.
 */
export function restoreSeqOrder<K, V extends { readonly seq: number }>(map: Map<K, V>): void {
  let last = -Infinity;
  let sorted = true;
  for (const value of map.values()) {
    if (value.seq < last) {
      sorted = false;
      break;
    }
    last = value.seq;
  }
  if (sorted) return;
  const entries = [...map].sort((a, b) => a[1].seq - b[1].seq);
  let inPlace = 0;
  for (const key of map.keys()) {
    if (key !== entries[inPlace]![0]) break;
    inPlace++;
  }
  for (let i = inPlace; i < entries.length; i++) map.delete(entries[i]![0]);
  for (let i = inPlace; i < entries.length; i++) map.set(entries[i]![0], entries[i]![1]);
}
