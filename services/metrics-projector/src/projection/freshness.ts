/** A probe of the stream's end: its last sequence, as the log answered at `at`. */
interface Target {
  readonly sequence: number;
  readonly at: number;
}

/** How current the projection is now. */
export interface FreshnessReading {
  /** Stored messages beyond the last applied one, as of the latest probe of the stream's end. */
  readonly lagMessages: number;
  /** The stream's last sequence at the latest probe. */
  readonly streamSequence: number;
  /** Time (this projector's clock) up to which every stored message is known to be applied. */
  readonly currentAsOf: number;
  /** Seconds since `currentAsOf`. */
  readonly stalenessSeconds: number;
  /** Whether the staleness exceeds the bound. */
  readonly stalled: boolean;
}

/**
 * Knows how current the projection is from the stream itself, not from what the consumer says of
 * its own backlog (which reads 0 when the consumer has silently stopped). Each probe asks the log
 * for its last sequence at time t; once everything up to that sequence is applied, the projection
 * is known to hold every message stored before t. The projection is stale when that moment is
 * more than `maxStalenessMs` ago: its consumer stalled, it is behind, or the log cannot be asked.
 */
export class Freshness {
  readonly #maxStalenessMs: number;
  readonly #now: () => number;
  #applied = 0;
  #target: Target = { sequence: 0, at: 0 };
  #currentAsOf: number;

  constructor(maxStalenessMs: number, now: () => number) {
    this.#maxStalenessMs = maxStalenessMs;
    this.#now = now;
    this.#currentAsOf = now();
  }

  /** The log said, when asked at `at`, that its last sequence is `sequence`. */
  probed(sequence: number, at: number): void {
    this.#target = { sequence, at };
    this.#reached();
  }

  /** Every message up to `sequence` is applied. */
  applied(sequence: number): void {
    this.#applied = sequence;
    this.#reached();
  }

  read(): FreshnessReading {
    const stalenessMs = Math.max(0, this.#now() - this.#currentAsOf);
    return {
      lagMessages: Math.max(0, this.#target.sequence - this.#applied),
      streamSequence: this.#target.sequence,
      currentAsOf: this.#currentAsOf,
      stalenessSeconds: stalenessMs / 1000,
      stalled: stalenessMs > this.#maxStalenessMs,
    };
  }

  #reached(): void {
    if (this.#applied >= this.#target.sequence && this.#target.at > this.#currentAsOf)
      this.#currentAsOf = this.#target.at;
  }
}
