export { SAMPLE_COMMANDS } from "./charge-point/sample-commands.js";
export { SAMPLE_COMMANDS_201 } from "./charge-point/sample-commands-201.js";
export {
  type ChargePointProfile,
  SimulatedChargePoint,
} from "./charge-point/simulated-charge-point.js";
export { simulatorOptions } from "./cli/sim-options.js";
export {
  CallTimeout,
  ConnectionClosed,
  HandshakeRefused,
  OcppClient,
  type OcppClientOptions,
} from "./client/ocpp-client.js";
export type { FleetPlan } from "./fleet/fleet-plan.js";
export {
  FleetStats,
  latencyPercentiles,
  mergeStats,
  type StatsSnapshot,
} from "./fleet/fleet-stats.js";
export { runFleet, simulationContext } from "./fleet/run-fleet.js";
export {
  type ProtocolChoice,
  protocolOf,
  SIM_PROTOCOLS,
  type SimProtocol,
} from "./protocol/sim-protocol.js";
export { SeededRandom } from "./random/seeded-random.js";
export { loadScenario } from "./scenario/load-scenario.js";
export { runScenario } from "./scenario/run-scenario.js";
export type { Scenario } from "./scenario/scenario-schema.js";
