import { type EventLog, encodeBatch } from "@levity/events";
import type { Logger } from "@levity/service-kit";
import type { Registry } from "prom-client";
import { GatewayWatchdog } from "./decisions/gateway-watchdog.js";
import { createProjectorMetrics } from "./metrics/projector-metrics.js";
import { renderProjectionChunks } from "./metrics/render-projection.js";
import { Freshness } from "./projection/freshness.js";
import { ProjectionRunner } from "./projection/projection-runner.js";
import { Snapshotter } from "./projection/snapshotter.js";
import { StallLog } from "./projection/stall-log.js";
import type { SnapshotStore } from "./snapshots/snapshot-store.js";
import { createEvolve } from "./state/evolve.js";
import type { ProjectionState } from "./state/projection-state.js";

/** The projector's settings (see `projectorOptions` for meanings and defaults). */
export interface ProjectorSettings {
  readonly gatewayTimeout: number;
  readonly maxStaleness: number;
  readonly snapshotEvery: number;
  readonly snapshotInterval: number;
  readonly maxProjectedChargePoints: number;
  readonly maxErrorTypes: number;
}

/** What the projector talks to: all its I/O, injected. */
export interface ProjectorDependencies {
  readonly log: EventLog;
  readonly snapshots: SnapshotStore;
  /** Whether the event log is reachable now. */
  readonly connected: () => boolean;
  readonly registry: Registry;
  readonly logger: Logger;
  readonly now?: () => number;
  /** The automations, run at each tick from a projection known to be current (never during a replay). */
  readonly reactor?: { tick(state: ProjectionState): void };
}

/** A running projector. */
export interface Projector {
  /** Replayed, and verified to hold the whole stream within the staleness bound. */
  ready(): boolean;
  whenReady(): Promise<void>;
  state(): ProjectionState;
  /** The projected series (per charge point and fleet-wide), in the Prometheus text format, in chunks. */
  renderMetrics(): AsyncIterable<string>;
  /** Stops following the stream and writes a final snapshot. */
  stop(): Promise<void>;
}

// How often the stream's end is probed and the watchdog runs.
const TICK_MS = 1_000;
// A probe not answered by then counts as failed (the projection's staleness keeps growing).
const PROBE_TIMEOUT_MS = 2_000;
// Decisions need a view verified to hold the whole stream within this long.
const DECIDE_WITHIN_MS = 2 * TICK_MS;

/** Starts the projection: restore, replay, follow; and the watchdog that declares gateways lost. */
export async function startProjector(
  settings: ProjectorSettings,
  deps: ProjectorDependencies,
): Promise<Projector> {
  const now = deps.now ?? Date.now;
  const freshness = new Freshness(settings.maxStaleness * 1000, now);
  let runner: ProjectionRunner | undefined;
  const ready = () => Boolean(runner?.replayed) && !freshness.read().stalled;
  const metrics = createProjectorMetrics(deps.registry, () => ({
    ready: ready(),
    freshness: freshness.read(),
  }));
  const snapshotter = new Snapshotter(
    deps.snapshots,
    { everyEvents: settings.snapshotEvery, intervalMs: settings.snapshotInterval * 1000 },
    metrics,
    deps.logger,
    now,
  );
  const started = new ProjectionRunner({
    log: deps.log,
    snapshots: deps.snapshots,
    snapshotter,
    metrics,
    logger: deps.logger,
    now,
    freshness,
    evolve: createEvolve({
      maxChargePoints: settings.maxProjectedChargePoints,
      maxErrorTypes: settings.maxErrorTypes,
    }),
  });
  await started.start();
  runner = started;

  const watchdog = new GatewayWatchdog(settings.gatewayTimeout * 1000, now);
  const stallLog = new StallLog(deps.logger, now);
  const deciding = new Set<string>();
  const decide = () => {
    const reading = freshness.read();
    stallLog.observe(started.replayed && reading.stalled, reading, started.sequence);
    // Decide only from a view known to hold every stored message: during a replay, a backlog or
    // a stall, old alive events look stale, and while the stream is unreachable, gateways cannot
    // store new ones either.
    if (!started.replayed || now() - reading.currentAsOf > DECIDE_WITHIN_MS || !deps.connected()) {
      watchdog.hold();
      return;
    }
    for (const event of watchdog.check(started.state, reading.currentAsOf)) {
      if (deciding.has(event.id)) continue;
      deciding.add(event.id);
      deps.log
        .append({
          producer: "projector",
          messageId: event.id,
          data: encodeBatch({ producer: "projector", instance: "decisions", events: [event] }),
        })
        .then(
          () => {
            metrics.decisions.labels(event.type).inc();
            deps.logger.warn(
              { gatewayId: event.gatewayId, instance: event.payload.instance },
              "gateway declared lost",
            );
          },
          (error: unknown) =>
            deps.logger.warn({ err: error }, "could not store a gateway.lost decision"),
        )
        .finally(() => deciding.delete(event.id));
    }
    deps.reactor?.tick(started.state);
  };
  let probing = false;
  const tick = setInterval(() => {
    snapshotter.applied(0, () => ({ sequence: started.sequence, state: started.state }));
    if (probing) return;
    probing = true;
    const at = now();
    withTimeout(deps.log.lastSequence(), PROBE_TIMEOUT_MS)
      .then(
        (sequence) => freshness.probed(sequence, at),
        () => {},
      )
      .finally(() => {
        probing = false;
        decide();
      });
  }, TICK_MS);
  tick.unref();

  return {
    ready,
    whenReady: () => started.whenReplayed(),
    state: () => started.state,
    renderMetrics: () => {
      metrics.snapshotAge.set(snapshotter.ageSeconds);
      return renderProjectionChunks({ state: started.state, connected: deps.connected() });
    },
    stop: async () => {
      clearInterval(tick);
      await started.stop();
    },
  };
}

/** Resolves as `promise` does, or rejects after `ms`. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
