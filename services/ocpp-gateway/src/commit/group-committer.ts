import { type BatchOrigin, batchMessageId, type EventLog, encodeBatchOfJson } from "@levity/events";
import { CommitQueue } from "./commit-queue.js";

/** Bounds and identity of the group commit. */
export interface GroupCommitOptions {
  /** The gateway id: selects the subject and prefixes message ids. */
  readonly producer: string;
  /** This process's instance id: with the batch number, makes message ids deterministic. */
  readonly instance: string;
  readonly maxEvents: number;
  /** Upper bound on the serialised events of one message, in UTF-16 code units. */
  readonly maxSize: number;
  /** How many must-store events may wait for the log before the oldest are dropped. */
  readonly outboxLimit: number;
  /** Whether the log can be reached now; when not, calls fail at once instead of timing out. */
  readonly available: () => boolean;
  /**
   * Calls `listener` each time the log becomes unreachable; returns how to stop. A commit in flight
   * then fails at once: its acknowledgement cannot come over a connection that is gone, and every
   * commit after it would otherwise wait for its timeout, even once the log is back.
   */
  readonly onUnavailable?: (listener: () => void) => () => void;
  /** Delay before retrying must-store events after a failed commit. */
  readonly retryDelayMs: number;
}

/** What the committer reports, for metrics. */
export interface CommitObserver {
  committed(events: number, seconds: number): void;
  failed(): void;
  outboxDepth(events: number): void;
  outboxDropped(events: number): void;
}

/** Raised to a caller whose events could not be stored. */
export class CommitFailedError extends Error {}

/**
 * Group commit: gathers the events of every session that arrive while the previous commit is in
 * flight and stores them as one message, one commit at a time so batches reach the log in order.
 * A caller's promise resolves only once its events are acknowledged by the log.
 */
export class GroupCommitter {
  readonly #log: EventLog;
  readonly #options: GroupCommitOptions;
  readonly #observer: CommitObserver;
  readonly #queue = new CommitQueue();
  #batch = 0;
  #inFlight = false;
  #scheduled = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #outboxEvents = 0;
  #idleWaiters: (() => void)[] = [];

  constructor(log: EventLog, options: GroupCommitOptions, observer: CommitObserver) {
    this.#log = log;
    this.#options = options;
    this.#observer = observer;
  }

  /**
   * Stores events and calls `done` once they are durable, or with an error if they could not be
   * stored. A callback rather than a promise: this runs once per call on the hot path.
   */
  submit(events: readonly string[], done: (error?: Error) => void): void {
    if (!this.#options.available()) {
      done(new CommitFailedError("event log unavailable"));
      return;
    }
    this.#queue.push({ events, size: sizeOf(events), mustStore: false, done });
    this.#schedule();
  }

  /** Stores events that must not be lost (session closes): kept in a bounded outbox and retried until stored. */
  store(events: readonly string[]): void {
    this.#queue.push({ events, size: sizeOf(events), mustStore: true, done: noop });
    this.#outboxEvents += events.length;
    this.#enforceOutboxLimit();
    this.#schedule();
  }

  /** Events waiting to be retried because the log could not take them. */
  get outboxDepth(): number {
    return this.#outboxEvents;
  }

  /** Resolves true once everything queued is stored, or false when `timeoutMs` passes first. */
  async flush(timeoutMs: number): Promise<boolean> {
    if (this.#isIdle()) return true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const idle = new Promise<boolean>((resolve) => this.#idleWaiters.push(() => resolve(true)));
    const outcome = await Promise.race([idle, timedOut]);
    clearTimeout(timer);
    return outcome;
  }

  #isIdle(): boolean {
    return this.#queue.length === 0 && !this.#inFlight;
  }

  #schedule(delayMs = 0): void {
    if (this.#inFlight || this.#scheduled || this.#queue.length === 0) return;
    this.#scheduled = true;
    // setImmediate lets every frame already read in this turn join the batch.
    if (delayMs === 0) setImmediate(() => this.#commit());
    else this.#retryTimer = setTimeout(() => this.#commit(), delayMs);
  }

  async #commit(): Promise<void> {
    this.#scheduled = false;
    this.#retryTimer = undefined;
    if (!this.#options.available()) {
      this.#failFresh();
      this.#schedule(this.#options.retryDelayMs);
      return;
    }
    const entries = this.#queue.take(this.#options.maxEvents, this.#options.maxSize);
    if (entries.length === 0) return;
    this.#inFlight = true;
    this.#batch += 1;
    const started = process.hrtime.bigint();
    const origin = {
      producer: this.#options.producer,
      instance: this.#options.instance,
      batch: this.#batch,
    };
    const events: string[] = [];
    for (const entry of entries) for (const event of entry.events) events.push(event);
    const stored = await this.#append(origin, events);
    if (!stored) this.#observer.failed();
    this.#inFlight = false;
    if (stored) {
      this.#observer.committed(events.length, Number(process.hrtime.bigint() - started) / 1e9);
      for (const entry of entries) {
        if (entry.mustStore) this.#outboxEvents -= entry.events.length;
        entry.done();
      }
      this.#observer.outboxDepth(this.#outboxEvents);
      this.#schedule();
    } else {
      this.#queue.putBack(entries.filter((entry) => entry.mustStore));
      for (const entry of entries)
        if (!entry.mustStore) entry.done(new CommitFailedError("event log did not acknowledge"));
      this.#schedule(this.#queue.length > 0 ? this.#options.retryDelayMs : 0);
    }
    if (this.#isIdle()) this.#notifyIdle();
  }

  /** Whether the log acknowledged the batch; false as soon as the log becomes unreachable. */
  async #append(origin: Required<BatchOrigin>, events: readonly string[]): Promise<boolean> {
    let stopListening = () => {};
    const lost = new Promise<boolean>((resolve) => {
      stopListening = this.#options.onUnavailable?.(() => resolve(false)) ?? stopListening;
    });
    try {
      const appended = this.#log
        .append({
          producer: origin.producer,
          messageId: batchMessageId(origin.producer, origin.instance, origin.batch),
          data: encodeBatchOfJson(origin, events),
        })
        .then(
          () => true,
          () => false,
        );
      return await Promise.race([appended, lost]);
    } finally {
      stopListening();
    }
  }

  #failFresh(): void {
    for (const entry of this.#queue.extract((candidate) => !candidate.mustStore)) {
      entry.done(new CommitFailedError("event log unavailable"));
    }
    if (this.#isIdle()) this.#notifyIdle();
  }

  #enforceOutboxLimit(): void {
    if (this.#outboxEvents <= this.#options.outboxLimit) return;
    let excess = this.#outboxEvents - this.#options.outboxLimit;
    const dropped = this.#queue.extract((entry) => {
      if (excess <= 0 || !entry.mustStore) return false;
      excess -= entry.events.length;
      return true;
    });
    const count = dropped.reduce((sum, entry) => sum + entry.events.length, 0);
    this.#outboxEvents -= count;
    this.#observer.outboxDropped(count);
    this.#observer.outboxDepth(this.#outboxEvents);
  }

  #notifyIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Stops retry timers; queued events stay unstored. */
  stop(): void {
    clearTimeout(this.#retryTimer);
    this.#scheduled = false;
  }
}

function noop(): void {}

function sizeOf(events: readonly string[]): number {
  let size = 0;
  for (const event of events) size += event.length;
  return size;
}
