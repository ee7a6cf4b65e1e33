// A set of short-lived members (open transactions, commits in flight) held by a long-lived owner.
//
// Why not a Map or Set: a long-lived Map's hash table sits in V8's old generation. Each time
// members come and go it is rehashed into a new table, and the old one stays in the heap, dead,
// until the next full collection, still pointing at the members it held. A young-generation
// collection cannot tell that the old table is dead, so those members, and everything they
// reach (a transaction's whole state), survive it and are promoted. Measured: every transaction
// of a loaded server was promoted this way, about 6 KB each, and scavenging was 15% of the
// leader's CPU. A linked list never copies itself, and a removed node forgets its member and
// its neighbours, so nothing dead points at anything young.

export interface LinkedSetNode<T> {
  /** the member; undefined once removed */
  readonly value: T | undefined;
}

interface Node<T> {
  value: T | undefined;
  prev: Node<T> | undefined;
  next: Node<T> | undefined;
}

export class LinkedSet<T> {
  private head: Node<T> | undefined;
  private tail: Node<T> | undefined;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds a member at the end; the node removes it again. */
  add(value: T): LinkedSetNode<T> {
    const node: Node<T> = { value, prev: this.tail, next: undefined };
    if (this.tail === undefined) this.head = node;
    else this.tail.next = node;
    this.tail = node;
    this.count++;
    return node;
  }

  /** Removes the member of `handle`; removing twice does nothing. */
  remove(handle: LinkedSetNode<T>): void {
    const node = handle as Node<T>;
    if (node.value === undefined) return;
    if (node.prev === undefined) this.head = node.next;
    else node.prev.next = node.next;
    if (node.next === undefined) this.tail = node.prev;
    else node.next.prev = node.prev;
    node.value = undefined;
    node.prev = undefined;
    node.next = undefined;
    this.count--;
  }

  /** The members in the order they were added, as an array (members may be removed while it is used). */
  values(): T[] {
    const out: T[] = [];
    for (let node = this.head; node !== undefined; node = node.next) out.push(node.value!);
    return out;
  }

  /** Calls `visit` on each member in order; `visit` may remove the member it is given. */
  forEach(visit: (value: T, node: LinkedSetNode<T>) => void): void {
    let node = this.head;
    while (node !== undefined) {
      const next = node.next;
      visit(node.value!, node);
      node = next;
    }
  }

  /** The first member that `test` accepts. */
  find(test: (value: T) => boolean): T | undefined {
    for (let node = this.head; node !== undefined; node = node.next) if (test(node.value!)) return node.value;
    return undefined;
  }

  /** Removes every member. */
  clear(): void {
    let node = this.head;
    while (node !== undefined) {
      const next = node.next;
      node.value = undefined;
      node.prev = undefined;
      node.next = undefined;
      node = next;
    }
    this.head = undefined;
    this.tail = undefined;
    this.count = 0;
  }
}
