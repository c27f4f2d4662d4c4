import { CLOSE_REASONS } from "@levity/events";
import { OCPP16_CP_ACTIONS } from "@levity/ocpp";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { ADMISSION_REJECTIONS } from "../admission/gatekeeper.js";
import type { CommitObserver } from "../commit/group-committer.js";

/** Why a handshake was refused before or at the upgrade. */
export const HANDSHAKE_REJECTIONS = [
  "identity-empty",
  "identity-too-long",
  "identity-invalid",
  "subprotocol",
  "shutting-down",
  "handshake-timeout",
  "bad-request",
  "tls-failed",
  ...ADMISSION_REJECTIONS,
] as const;
export type HandshakeRejection = (typeof HANDSHAKE_REJECTIONS)[number];

/**
 * Every series the gateway exports, in one table. None is per charge point: a gateway's series
 * stay bounded whatever its fleet; the projector owns per-CP series.
 */
export function createGatewayMetrics(registry: Registry) {
  const registers = [registry];
  const metrics = {
    connections: new Gauge({
      name: "levity_gateway_connections",
      help: "Open charge-point sessions",
      registers,
    }),
    handshakesRejected: new Counter({
      name: "levity_gateway_handshakes_rejected_total",
      help: "WebSocket handshakes refused, by reason",
      labelNames: ["reason"],
      registers,
    }),
    sessionsClosed: new Counter({
      name: "levity_gateway_sessions_closed_total",
      help: "Sessions ended, by reason",
      labelNames: ["reason"],
      registers,
    }),
    calls: new Counter({
      name: "levity_gateway_calls_total",
      help: "CALLs received, by action (unknown actions as 'other')",
      labelNames: ["action"],
      registers,
    }),
    callErrors: new Counter({
      name: "levity_gateway_callerrors_sent_total",
      help: "CALLERRORs sent, by error code",
      labelNames: ["code"],
      registers,
    }),
    framesIgnored: new Counter({
      name: "levity_gateway_frames_ignored_total",
      help: "Frames dropped without an answer: unreadable, or responses to no call of ours",
      labelNames: ["reason"],
      registers,
    }),
    samplesDropped: new Counter({
      name: "levity_gateway_samples_dropped_total",
      help: "Sampled values not kept: signed, not a finite number, or beyond what one event holds",
      registers,
    }),
    commitSeconds: new Histogram({
      name: "levity_gateway_publish_duration_seconds",
      help: "Time from starting a group commit to the event log's acknowledgement",
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    commitEvents: new Histogram({
      name: "levity_gateway_events_per_commit",
      help: "Events stored per message by the group commit",
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers,
    }),
    publishFailures: new Counter({
      name: "levity_gateway_publish_failures_total",
      help: "Group commits the event log did not acknowledge",
      registers,
    }),
    outboxDepth: new Gauge({
      name: "levity_gateway_outbox_depth",
      help: "Must-store events (session closes) waiting for the event log",
      registers,
    }),
    outboxDropped: new Counter({
      name: "levity_gateway_outbox_dropped_total",
      help: "Must-store events dropped because the outbox was full",
      registers,
    }),
  };
  // Known label values exist at 0 from the start, so rates work from the first increment.
  for (const reason of HANDSHAKE_REJECTIONS) metrics.handshakesRejected.labels(reason).inc(0);
  for (const reason of CLOSE_REASONS) metrics.sessionsClosed.labels(reason).inc(0);
  for (const action of OCPP16_CP_ACTIONS) metrics.calls.labels(action).inc(0);
  return metrics;
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;

/** Counts a CALL by action without hashing labels on the hot path; unknown actions share "other". */
export function callCounter(metrics: GatewayMetrics): (action: string) => void {
  const children = new Map(
    OCPP16_CP_ACTIONS.map((action) => [action as string, metrics.calls.labels(action)]),
  );
  const other = metrics.calls.labels("other");
  return (action) => (children.get(action) ?? other).inc();
}

/** The committer's reports, as metrics. */
export function commitObserver(metrics: GatewayMetrics): CommitObserver {
  return {
    committed: (events, seconds) => {
      metrics.commitEvents.observe(events);
      metrics.commitSeconds.observe(seconds);
    },
    failed: () => metrics.publishFailures.inc(),
    outboxDepth: (events) => metrics.outboxDepth.set(events),
    outboxDropped: (events) => metrics.outboxDropped.inc(events),
  };
}
