/** A submission waiting to be stored: serialised events, and who to tell when they are. */
export interface CommitEntry {
  readonly events: readonly string[];
  readonly size: number;
  /** Must be stored whatever it takes (session closes): retried instead of failed. */
  readonly mustStore: boolean;
  /** Called once: without an error when stored, with one when the events could not be stored. */
  readonly done: (error?: Error) => void;
}

/** A FIFO of entries with O(1) push, take from the front and put back at the front. */
export class CommitQueue {
  #items: CommitEntry[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(entry: CommitEntry): void {
    this.#items.push(entry);
  }

  /** Removes entries from the front while they fit `maxEvents` and `maxSize` (always at least one). */
  take(maxEvents: number, maxSize: number): CommitEntry[] {
    const taken: CommitEntry[] = [];
    let events = 0;
    let size = 0;
    while (this.#head < this.#items.length) {
      const entry = this.#items[this.#head] as CommitEntry;
      if (
        taken.length > 0 &&
        (events + entry.events.length > maxEvents || size + entry.size > maxSize)
      )
        break;
      taken.push(entry);
      events += entry.events.length;
      size += entry.size;
      this.#head += 1;
    }
    this.#compact();
    return taken;
  }

  /** Puts entries back at the front, in their order, ahead of everything queued since. */
  putBack(entries: readonly CommitEntry[]): void {
    this.#items = [...entries, ...this.#items.slice(this.#head)];
    this.#head = 0;
  }

  /** Removes and returns every entry matching `predicate`, keeping the others in order. */
  extract(predicate: (entry: CommitEntry) => boolean): CommitEntry[] {
    const kept: CommitEntry[] = [];
    const extracted: CommitEntry[] = [];
    for (let i = this.#head; i < this.#items.length; i++) {
      const entry = this.#items[i] as CommitEntry;
      (predicate(entry) ? extracted : kept).push(entry);
    }
    this.#items = kept;
    this.#head = 0;
    return extracted;
  }

  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
