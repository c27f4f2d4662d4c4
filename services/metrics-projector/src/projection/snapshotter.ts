import type { Logger } from "@levity/service-kit";
import type { ProjectorMetrics } from "../metrics/projector-metrics.js";
import { encodeSnapshot, type Snapshot } from "../snapshots/snapshot-codec.js";
import type { SnapshotStore } from "../snapshots/snapshot-store.js";

/** When to write a snapshot. */
export interface SnapshotPolicy {
  readonly everyEvents: number;
  readonly intervalMs: number;
}

/** Writes snapshots in the background, one at a time, when enough events or time have passed. */
export class Snapshotter {
  readonly #store: SnapshotStore;
  readonly #policy: SnapshotPolicy;
  readonly #metrics: ProjectorMetrics;
  readonly #logger: Logger;
  readonly #now: () => number;
  #eventsSince = 0;
  #takenAt: number;
  #writing: Promise<void> | undefined;

  constructor(
    store: SnapshotStore,
    policy: SnapshotPolicy,
    metrics: ProjectorMetrics,
    logger: Logger,
    now: () => number,
  ) {
    this.#store = store;
    this.#policy = policy;
    this.#metrics = metrics;
    this.#logger = logger;
    this.#now = now;
    this.#takenAt = now();
  }

  /** Seconds since the last snapshot was taken (or this projector started). */
  get ageSeconds(): number {
    return (this.#now() - this.#takenAt) / 1000;
  }

  /** A snapshot the projector started from. */
  restored(snapshot: Snapshot): void {
    this.#takenAt = snapshot.takenAt;
    this.#metrics.snapshotSequence.set(snapshot.sequence);
  }

  /** Counts applied events and writes a snapshot of `current()` when the policy says so. */
  applied(events: number, current: () => Omit<Snapshot, "takenAt">): void {
    this.#eventsSince += events;
    if (this.#eventsSince === 0 || this.#writing) return;
    const due =
      this.#eventsSince >= this.#policy.everyEvents ||
      this.ageSeconds * 1000 >= this.#policy.intervalMs;
    if (due) void this.write(current());
  }

  /** Writes a snapshot now (unless one is being written) and resolves when it is stored. */
  write(snapshot: Omit<Snapshot, "takenAt">): Promise<void> {
    if (this.#writing) return this.#writing;
    const taken: Snapshot = { ...snapshot, takenAt: this.#now() };
    const pendingEvents = this.#eventsSince;
    this.#eventsSince = 0;
    this.#writing = (async () => {
      try {
        await this.#store.save(await encodeSnapshot(taken));
        this.#takenAt = taken.takenAt;
        this.#metrics.snapshotSequence.set(taken.sequence);
      } catch (error) {
        this.#eventsSince += pendingEvents;
        this.#metrics.snapshotFailures.inc();
        this.#logger.warn({ err: error }, "could not write a snapshot");
      } finally {
        this.#writing = undefined;
      }
    })();
    return this.#writing;
  }
}
