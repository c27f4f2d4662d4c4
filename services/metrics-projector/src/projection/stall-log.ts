import type { Logger } from "@levity/service-kit";
import type { FreshnessReading } from "./freshness.js";

/** Logs once when the projection stalls and once when it is current again, with how long it was. */
export class StallLog {
  readonly #logger: Logger;
  readonly #now: () => number;
  #since: number | undefined;

  constructor(logger: Logger, now: () => number) {
    this.#logger = logger;
    this.#now = now;
  }

  observe(stalled: boolean, reading: FreshnessReading, applied: number): void {
    const facts = {
      applied,
      stream: reading.streamSequence,
      lag: reading.lagMessages,
      staleness_s: reading.stalenessSeconds,
    };
    if (stalled && this.#since === undefined) {
      this.#since = reading.currentAsOf;
      this.#logger.warn(facts, "projection stalled: not verified to hold the whole stream");
    } else if (!stalled && this.#since !== undefined) {
      const seconds = (this.#now() - this.#since) / 1000;
      this.#since = undefined;
      this.#logger.info({ ...facts, stalled_s: seconds }, "projection current again");
    }
  }
}
