import type {
  AppendAck,
  EventLog,
  KeyedAck,
  KeyedRecord,
  LogReader,
  LogRecord,
  OutgoingMessage,
} from "./event-log.js";
import type { FileJournal } from "./file-journal.js";
import { recordOf } from "./log-record.js";

/** Options of the in-process log. */
export interface InProcessEventLogOptions {
  /** How long a message id is remembered for deduplication (JetStream's default is 2 minutes). */
  readonly duplicateWindowMs?: number;
  /** Source of the current time for the duplicate window. */
  readonly now?: () => number;
  /** Where appends are persisted; without one the log lives only in memory. */
  readonly journal?: FileJournal;
  /** Messages already stored (read back from the journal). */
  readonly initial?: readonly OutgoingMessage[];
}

/**
 * An EventLog held in this process: the all-in-one mode's log and the fast unit tests' log.
 * It stores encoded bytes, so readers go through the same decoding as with JetStream.
 */
export class InProcessEventLog implements EventLog {
  readonly #messages: Uint8Array[] = [];
  /** The sequences of each key's messages, in order. */
  readonly #keys = new Map<string, number[]>();
  readonly #seen = new Map<string, { sequence: number; at: number }>();
  readonly #windowMs: number;
  readonly #now: () => number;
  #wake: () => void = () => {};
  #appended: Promise<void>;
  #closed = false;
  readonly #journal: FileJournal | undefined;
  // Appends are serialised so the journal and the sequence numbers agree on the order.
  #tail: Promise<unknown> = Promise.resolve();

  constructor(options: InProcessEventLogOptions = {}) {
    this.#windowMs = options.duplicateWindowMs ?? 120_000;
    this.#now = options.now ?? Date.now;
    this.#journal = options.journal;
    this.#appended = this.#nextSignal();
    const loadedAt = this.#now();
    for (const message of options.initial ?? []) {
      this.#messages.push(message.data);
      this.#seen.set(message.messageId, { sequence: this.#messages.length, at: loadedAt });
      if (message.key !== undefined) this.#keyed(message.key).push(this.#messages.length);
    }
  }

  append(message: OutgoingMessage): Promise<AppendAck> {
    const appended = this.#tail.then(() => this.#append(message));
    this.#tail = appended.catch(() => {});
    return appended;
  }

  appendKeyed(key: string, message: OutgoingMessage, after: number): Promise<KeyedAck> {
    const appended = this.#tail.then(async (): Promise<KeyedAck> => {
      if ((this.#keys.get(key)?.at(-1) ?? 0) !== after) return { ok: false, conflict: "key-moved" };
      const ack = await this.#append({ ...message, key });
      return ack.duplicate
        ? { ok: false, conflict: "key-moved" }
        : { ok: true, sequence: ack.sequence };
    });
    this.#tail = appended.catch(() => {});
    return appended;
  }

  async lastOfKey(key: string): Promise<KeyedRecord | undefined> {
    const sequence = this.#keys.get(key)?.at(-1);
    const record = sequence === undefined ? undefined : await this.at(sequence);
    return sequence === undefined || !record ? undefined : { sequence, record };
  }

  async at(sequence: number): Promise<LogRecord | undefined> {
    const data = this.#messages[sequence - 1];
    return data === undefined ? undefined : recordOf(sequence, data);
  }

  async #append(message: OutgoingMessage): Promise<AppendAck> {
    if (this.#closed) throw new Error("event log is closed");
    const now = this.#now();
    this.#forgetBefore(now - this.#windowMs);
    const known = this.#seen.get(message.messageId);
    if (known) return { sequence: known.sequence, duplicate: true };
    await this.#journal?.append(message);
    this.#messages.push(message.data);
    const sequence = this.#messages.length;
    this.#seen.set(message.messageId, { sequence, at: now });
    if (message.key !== undefined) this.#keyed(message.key).push(sequence);
    this.#signal();
    return { sequence, duplicate: false };
  }

  #keyed(key: string): number[] {
    let sequences = this.#keys.get(key);
    if (!sequences) {
      sequences = [];
      this.#keys.set(key, sequences);
    }
    return sequences;
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
          yield recordOf(next, data);
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
    await this.#tail;
    await this.#journal?.close();
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
