/**
 * A first-in first-out queue of at most `capacity` items: pushing onto a full one evicts the
 * oldest. Taking from the front is amortised O(1) (a plain array's shift copies the rest, and a
 * webhook's queue may hold a million events).
 */
export class BoundedQueue<T> {
  readonly #capacity: number;
  #items: (T | undefined)[] = [];
  #head = 0;

  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
  }

  get size(): number {
    return this.#items.length - this.#head;
  }

  /** Appends `item`; the oldest item, if the queue was full and it had to go. */
  push(item: T): T | undefined {
    const evicted = this.size >= this.#capacity ? this.shift() : undefined;
    this.#items.push(item);
    return evicted;
  }

  /** Takes the oldest item, if any. */
  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    // Released at once so a taken event is not kept alive until the next compaction.
    this.#items[this.#head] = undefined;
    this.#head += 1;
    if (this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Empties the queue; how many items it held. */
  clear(): number {
    const dropped = this.size;
    this.#items = [];
    this.#head = 0;
    return dropped;
  }
}
