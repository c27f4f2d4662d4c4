import { type EventLog, encodeBatch } from "@levity/events";
import type { Logger } from "@levity/service-kit";
import type { Registry } from "prom-client";
import { GatewayWatchdog } from "./decisions/gateway-watchdog.js";
import { createProjectorMetrics } from "./metrics/projector-metrics.js";
import { renderProjection } from "./metrics/render-projection.js";
import { ProjectionRunner } from "./projection/projection-runner.js";
import { Snapshotter } from "./projection/snapshotter.js";
import type { SnapshotStore } from "./snapshots/snapshot-store.js";
import { createEvolve } from "./state/evolve.js";
import type { ProjectionState } from "./state/projection-state.js";

/** The projector's settings (see `projectorOptions` for meanings and defaults). */
export interface ProjectorSettings {
  readonly gatewayTimeout: number;
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
}

/** A running projector. */
export interface Projector {
  ready(): boolean;
  whenReady(): Promise<void>;
  state(): ProjectionState;
  /** The projected series (per charge point and fleet-wide), in the Prometheus text format. */
  renderMetrics(): Promise<string>;
  /** Stops following the stream and writes a final snapshot. */
  stop(): Promise<void>;
}

const WATCHDOG_PERIOD_MS = 1_000;

/** Starts the projection: restore, replay, follow; and the watchdog that declares gateways lost. */
export async function startProjector(
  settings: ProjectorSettings,
  deps: ProjectorDependencies,
): Promise<Projector> {
  const now = deps.now ?? Date.now;
  const metrics = createProjectorMetrics(deps.registry);
  const snapshotter = new Snapshotter(
    deps.snapshots,
    { everyEvents: settings.snapshotEvery, intervalMs: settings.snapshotInterval * 1000 },
    metrics,
    deps.logger,
    now,
  );
  const runner = new ProjectionRunner({
    log: deps.log,
    snapshots: deps.snapshots,
    snapshotter,
    metrics,
    logger: deps.logger,
    now,
    evolve: createEvolve({
      maxChargePoints: settings.maxProjectedChargePoints,
      maxErrorTypes: settings.maxErrorTypes,
    }),
  });
  await runner.start();

  const watchdog = new GatewayWatchdog(settings.gatewayTimeout * 1000, now);
  const deciding = new Set<string>();
  const tick = setInterval(() => {
    snapshotter.applied(0, () => ({ sequence: runner.sequence, state: runner.state }));
    // Decide only on a current view: during a replay or a backlog, old alive events look stale.
    if (!runner.ready || runner.pending > 0 || !deps.connected()) return;
    for (const event of watchdog.check(runner.state)) {
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
  }, WATCHDOG_PERIOD_MS);
  tick.unref();

  return {
    ready: () => runner.ready,
    whenReady: () => runner.whenReady(),
    state: () => runner.state,
    renderMetrics: () => {
      metrics.snapshotAge.set(snapshotter.ageSeconds);
      return renderProjection({ state: runner.state, connected: deps.connected() });
    },
    stop: async () => {
      clearInterval(tick);
      await runner.stop();
    },
  };
}
