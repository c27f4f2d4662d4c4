import { EVENT_TYPES } from "@levity/events";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { FreshnessReading } from "../projection/freshness.js";

/** Why a stored message or event was not applied. */
export const REJECTIONS = ["unreadable-message", "contract-violation", "duplicate-batch"] as const;

/** What the projector's health series read at each scrape. */
export interface ProjectorHealth {
  /** Replayed and not stalled: what /readyz says. */
  readonly ready: boolean;
  readonly freshness: FreshnessReading;
}

const NOT_STARTED: ProjectorHealth = {
  ready: false,
  freshness: {
    lagMessages: 0,
    streamSequence: 0,
    currentAsOf: 0,
    stalenessSeconds: 0,
    stalled: false,
  },
};

/**
 * The projector's own series (its health, not the fleet's), in one table. The health gauges are
 * read from `health` when scraped, so they are never older than the scrape.
 */
export function createProjectorMetrics(
  registry: Registry,
  health: () => ProjectorHealth = () => NOT_STARTED,
) {
  const registers = [registry];
  const metrics = {
    lastSequence: new Gauge({
      name: "levity_projector_last_applied_sequence",
      help: "Stream sequence of the last message applied",
      registers,
    }),
    eventsApplied: new Counter({
      name: "levity_projector_events_applied_total",
      help: "Events applied to the projection, by type",
      labelNames: ["type"],
      registers,
    }),
    rejected: new Counter({
      name: "levity_projector_events_rejected_total",
      help: "Messages or events skipped, by reason: unreadable message, contract violation, re-published batch",
      labelNames: ["reason"],
      registers,
    }),
    streamGaps: new Counter({
      name: "levity_projector_stream_gaps_total",
      help: "Times the stream skipped sequences (messages removed by retention before they were applied)",
      registers,
    }),
    ready: new Gauge({
      name: "levity_projector_ready",
      help: "1 once the replay reached the stream's end, while the projection is not stalled (what /readyz says)",
      registers,
      collect() {
        this.set(health().ready ? 1 : 0);
      },
    }),
    stalled: new Gauge({
      name: "levity_projector_stalled",
      help: "1 while the projection has not been verified to hold the whole stream for longer than --max-staleness",
      registers,
      collect() {
        this.set(health().freshness.stalled ? 1 : 0);
      },
    }),
    staleness: new Gauge({
      name: "levity_projector_staleness_seconds",
      help: "Seconds since the projection was last verified to hold every message stored in the stream",
      registers,
      collect() {
        this.set(health().freshness.stalenessSeconds);
      },
    }),
    streamLastSequence: new Gauge({
      name: "levity_projector_stream_last_sequence",
      help: "The stream's last sequence, as of the projector's latest probe (every second)",
      registers,
      collect() {
        this.set(health().freshness.streamSequence);
      },
    }),
    replaySeconds: new Gauge({
      name: "levity_projector_replay_duration_seconds",
      help: "Time from start to the end of the replay (snapshot load included)",
      registers,
    }),
    snapshotSequence: new Gauge({
      name: "levity_projector_snapshot_sequence",
      help: "Stream sequence of the latest snapshot written or loaded",
      registers,
    }),
    snapshotAge: new Gauge({
      name: "levity_projector_snapshot_age_seconds",
      help: "Seconds since the latest snapshot was taken",
      registers,
    }),
    snapshotFailures: new Counter({
      name: "levity_projector_snapshot_failures_total",
      help: "Snapshots that could not be written",
      registers,
    }),
    consumerLag: new Gauge({
      name: "levity_projector_consumer_lag_messages",
      help: "Messages stored in the stream (as of the latest probe) and not yet applied",
      registers,
      collect() {
        this.set(health().freshness.lagMessages);
      },
    }),
    eventLag: new Histogram({
      name: "levity_projector_event_lag_seconds",
      help: "Time from the gateway receiving a message to its event being applied (live only)",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    decisions: new Counter({
      name: "levity_projector_decisions_total",
      help: "Events the projector appended from its own clock, by type",
      labelNames: ["type"],
      registers,
    }),
  };
  for (const type of EVENT_TYPES) metrics.eventsApplied.labels(type).inc(0);
  for (const reason of REJECTIONS) metrics.rejected.labels(reason).inc(0);
  metrics.decisions.labels("gateway.lost").inc(0);
  return metrics;
}

export type ProjectorMetrics = ReturnType<typeof createProjectorMetrics>;

/** Counts an applied event by type without hashing labels per event. */
export function appliedCounter(metrics: ProjectorMetrics): (type: string) => void {
  const children = new Map(
    EVENT_TYPES.map((type) => [type as string, metrics.eventsApplied.labels(type)]),
  );
  return (type) => children.get(type)?.inc();
}
