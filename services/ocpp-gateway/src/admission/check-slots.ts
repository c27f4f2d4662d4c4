/** The outcome of work offered to the slots: its value, or `busy` when there was no room. */
export type SlotOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false };

/**
 * Bounds slow work that runs off the event loop (scrypt key derivations on libuv's thread pool)
 * for the whole gateway: at most `running` at once, at most `queued` waiting, and no more. The
 * thread pool has 4 threads by default and also serves file I/O, DNS and zlib, so a flood of
 * guesses must not be able to take all of it (or 32 MiB per chosen-password check) from the
 * charge points already admitted. Work beyond the queue is refused at once, not delayed.
 */
export class CheckSlots {
  readonly #running: number;
  readonly #queued: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(running: number, queued: number) {
    this.#running = running;
    this.#queued = queued;
  }

  /** Checks running now. */
  get active(): number {
    return this.#active;
  }

  /** Checks waiting for a slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  async run<T>(work: () => Promise<T>): Promise<SlotOutcome<T>> {
    if (this.#active >= this.#running) {
      if (this.#waiting.length >= this.#queued) return { ok: false };
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#active += 1;
    }
    try {
      return { ok: true, value: await work() };
    } finally {
      const next = this.#waiting.shift();
      // The slot passes straight to the next in line, so `active` never exceeds the bound.
      if (next) next();
      else this.#active -= 1;
    }
  }
}
