import type { AppendAck, EventLog, LogReader, LogRecord, OutgoingMessage } from "./event-log.js";
import { recordOf } from "./log-record.js";

/** Options of the in-process log. */
export interface InProcessEventLogOptions {
  /** How long a message id is remembered for deduplication (JetStream's default is 2 minutes). */
  readonly duplicateWindowMs?: number;
  /** Source of the current time for the duplicate window. */
  readonly now?: () => number;
}

/**
 * An EventLog held in this process: the all-in-one mode's log and the fast unit tests' log.
 * It stores encoded bytes, so readers go through the same decoding as with JetStream.
 */
export class InProcessEventLog implements EventLog {
  readonly #messages: Uint8Array[] = [];
  readonly #seen = new Map<string, { sequence: number; at: number }>();
  readonly #windowMs: number;
  readonly #now: () => number;
  #wake: () => void = () => {};
  #appended: Promise<void>;
  #closed = false;

  constructor(options: InProcessEventLogOptions = {}) {
    this.#windowMs = options.duplicateWindowMs ?? 120_000;
    this.#now = options.now ?? Date.now;
    this.#appended = this.#nextSignal();
  }

  async append({ messageId, data }: OutgoingMessage): Promise<AppendAck> {
    if (this.#closed) throw new Error("event log is closed");
    const now = this.#now();
    this.#forgetBefore(now - this.#windowMs);
    const known = this.#seen.get(messageId);
    if (known) return { sequence: known.sequence, duplicate: true };
    this.#messages.push(data);
    const sequence = this.#messages.length;
    this.#seen.set(messageId, { sequence, at: now });
    this.#signal();
    return { sequence, duplicate: false };
  }

  async lastSequence(): Promise<number> {
    return this.#messages.length;
  }

  read(fromSequence: number): LogReader {
    let stopped = false;
    const log = this;
    return {
      async *[Symbol.asyncIterator](): AsyncGenerator<LogRecord> {
        let next = Math.max(1, fromSequence);
        while (!stopped && !log.#closed) {
          const data = log.#messages[next - 1];
          if (data === undefined) {
            await log.#appended;
            continue;
          }
          yield recordOf(next, log.#messages.length - next, data);
          next++;
        }
      },
      async close() {
        stopped = true;
        log.#signal();
      },
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#signal();
  }

  #nextSignal(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  #signal(): void {
    const wake = this.#wake;
    this.#appended = this.#nextSignal();
    wake();
  }

  #forgetBefore(cutoff: number): void {
    for (const [id, entry] of this.#seen) {
      if (entry.at >= cutoff) break;
      this.#seen.delete(id);
    }
  }
}
