import type { EventLog, LogReader, LogRecord } from "@levity/events";
import { type Logger, untilOpened } from "@levity/service-kit";
import { appliedCounter, type ProjectorMetrics } from "../metrics/projector-metrics.js";
import { decodeSnapshot } from "../snapshots/snapshot-codec.js";
import type { SnapshotStore } from "../snapshots/snapshot-store.js";
import { applyBatch, type Evolve } from "../state/evolve.js";
import { EMPTY_STATE, type ProjectionState } from "../state/projection-state.js";
import { yieldToEventLoop } from "./event-loop-slices.js";
import type { Freshness } from "./freshness.js";
import type { Snapshotter } from "./snapshotter.js";

// Longest stretch of back-to-back applying before yielding to I/O (scrapes, probes, acks).
const MAX_BUSY_MS = 10;

/** What the runner needs around it. */
export interface RunnerContext {
  readonly log: EventLog;
  readonly snapshots: SnapshotStore;
  readonly snapshotter: Snapshotter;
  readonly metrics: ProjectorMetrics;
  readonly logger: Logger;
  readonly now: () => number;
  /** The state transition, with the projection's limits. */
  readonly evolve: Evolve;
  /** Told of every sequence applied, to know how current the projection is. */
  readonly freshness: Freshness;
}

/**
 * The imperative shell around `evolve`: restores the latest snapshot, replays the stream from
 * the next sequence, then follows it. Replayed once it reaches the stream's end as of start.
 */
export class ProjectionRunner {
  readonly #context: RunnerContext;
  #state: ProjectionState = EMPTY_STATE;
  #sequence = 0;
  #replayed = false;
  #reader: LogReader | undefined;
  #loop: Promise<void> | undefined;
  #replayWaiters: (() => void)[] = [];
  readonly #countApplied: (type: string) => void;

  constructor(context: RunnerContext) {
    this.#context = context;
    this.#countApplied = appliedCounter(context.metrics);
  }

  get state(): ProjectionState {
    return this.#state;
  }

  /** Stream sequence of the last message applied. */
  get sequence(): number {
    return this.#sequence;
  }

  /** Whether the replay reached the stream's end as of start. */
  get replayed(): boolean {
    return this.#replayed;
  }

  whenReplayed(): Promise<void> {
    return this.#replayed
      ? Promise.resolve()
      : new Promise((resolve) => this.#replayWaiters.push(resolve));
  }

  /** Restores, then replays and follows in the background. */
  async start(): Promise<void> {
    const startedAt = this.#context.now();
    const { log, logger } = this.#context;
    // The log may be unreachable at start (a broker still starting): wait for it, not exit.
    const target = await untilOpened("the stream's end", () => log.lastSequence(), logger);
    await this.#restore(target);
    this.#context.logger.info({ from: this.#sequence + 1, to: target }, "replaying");
    this.#context.freshness.probed(target, startedAt);
    this.#context.freshness.applied(this.#sequence);
    if (this.#sequence >= target) this.#becomeReplayed(startedAt);
    this.#reader = this.#context.log.read(this.#sequence + 1);
    this.#loop = this.#follow(this.#reader, target, startedAt);
  }

  /** Stops following and writes a final snapshot. */
  async stop(): Promise<void> {
    await this.#reader?.close();
    await this.#loop;
    if (this.#replayed)
      await this.#context.snapshotter.write({ sequence: this.#sequence, state: this.#state });
  }

  async #restore(target: number): Promise<void> {
    const { snapshots, logger, snapshotter } = this.#context;
    const data = await untilOpened("the latest snapshot", () => snapshots.load(), logger);
    if (!data) return;
    const decoded = await decodeSnapshot(data);
    if (!decoded.ok) {
      logger.warn(
        { reason: decoded.reason },
        "ignoring incompatible snapshot, replaying from the start",
      );
      return;
    }
    if (decoded.snapshot.sequence > target) {
      logger.warn(
        { snapshot: decoded.snapshot.sequence, stream: target },
        "snapshot is ahead of the stream, ignoring it",
      );
      return;
    }
    this.#state = decoded.snapshot.state;
    this.#sequence = decoded.snapshot.sequence;
    this.#context.metrics.lastSequence.set(this.#sequence);
    snapshotter.restored(decoded.snapshot);
    logger.info(
      { sequence: this.#sequence, charge_points: this.#state.cps.size },
      "restored snapshot",
    );
  }

  async #follow(reader: LogReader, target: number, startedAt: number): Promise<void> {
    let busySince = performance.now();
    try {
      for await (const record of reader) {
        if (record.sequence <= this.#sequence) continue;
        this.#apply(record);
        this.#context.freshness.applied(this.#sequence);
        if (!this.#replayed && this.#sequence >= target) this.#becomeReplayed(startedAt);
        if (performance.now() - busySince > MAX_BUSY_MS) {
          await yieldToEventLoop();
          busySince = performance.now();
        }
      }
    } catch (error) {
      this.#context.logger.error({ err: error }, "reading the event stream failed");
      throw error;
    }
  }

  #apply(record: LogRecord): void {
    const { metrics, logger, snapshotter, now } = this.#context;
    if (record.sequence > this.#sequence + 1) {
      metrics.streamGaps.inc();
      logger.warn(
        { expected: this.#sequence + 1, got: record.sequence },
        "stream skipped sequences",
      );
    }
    this.#sequence = record.sequence;
    metrics.lastSequence.set(record.sequence);
    if (!record.ok) {
      metrics.rejected.labels("unreadable-message").inc();
      logger.warn(
        { sequence: record.sequence, reason: record.error },
        "skipping unreadable message",
      );
      return;
    }
    const { batch } = record;
    for (const { index, violation } of batch.rejected) {
      metrics.rejected.labels("contract-violation").inc();
      logger.warn(
        { sequence: record.sequence, index, violation },
        "skipping event that breaks the contract",
      );
    }
    const applied = applyBatch(this.#state, batch, this.#context.evolve);
    if (applied.duplicate) {
      metrics.rejected.labels("duplicate-batch").inc(batch.events.length);
      return;
    }
    this.#state = applied.state;
    const at = now();
    for (const event of batch.events) {
      this.#countApplied(event.type);
      if (this.#replayed) metrics.eventLag.observe(Math.max(0, at - event.ts) / 1000);
    }
    snapshotter.applied(batch.events.length, () => ({
      sequence: this.#sequence,
      state: this.#state,
    }));
  }

  #becomeReplayed(startedAt: number): void {
    this.#replayed = true;
    const seconds = (this.#context.now() - startedAt) / 1000;
    this.#context.metrics.replaySeconds.set(seconds);
    this.#context.logger.info({ sequence: this.#sequence, seconds }, "replay complete");
    for (const wake of this.#replayWaiters.splice(0)) wake();
  }
}
