export { chargePointRoutes } from "./api/charge-point-routes.js";
export { quarantineRoutes } from "./automations/api/quarantine-routes.js";
export type {
  AutomationCommand,
  CommandHandOver,
  CommandPort,
} from "./automations/commands/command-port.js";
export { httpCommandPort } from "./automations/commands/http-command-port.js";
export {
  AUTOMATIONS_ASKER,
  inProcessCommandPort,
} from "./automations/commands/in-process-command-port.js";
export {
  type AutomationRule,
  parseAutomations,
} from "./automations/config/automation-rules.js";
export { decide as decideAutomations } from "./automations/decisions/decide.js";
export { DecisionPass } from "./automations/runtime/decision-pass.js";
export { type RunningAutomations, startAutomations } from "./automations/start-automations.js";
export { projectorOptions } from "./config/projector-options.js";
export { indexHistoryInBackground } from "./history/background-indexer.js";
export { startHistoryIndexer } from "./history/history-indexer.js";
export { PROJECTED_METRICS, type ProjectedMetric } from "./metrics/projected-metrics.js";
export { createProjectorMetrics } from "./metrics/projector-metrics.js";
export { renderProjection, renderProjectionChunks } from "./metrics/render-projection.js";
export { scrape } from "./metrics/scrape.js";
export {
  type Projector,
  type ProjectorDependencies,
  type ProjectorSettings,
  startProjector,
} from "./projector.js";
export { FileSnapshotStore } from "./snapshots/file-snapshot-store.js";
export { KvSnapshotStore } from "./snapshots/kv-snapshot-store.js";
export { InMemorySnapshotStore, type SnapshotStore } from "./snapshots/snapshot-store.js";
export { applyBatch, evolve } from "./state/evolve.js";
export { EMPTY_STATE, type ProjectionState } from "./state/projection-state.js";
