import {
  choice,
  decimal,
  integer,
  type OptionSpec,
  optionalText,
  text,
  url,
} from "@levity/service-kit";
import { SIM_PROTOCOLS } from "../protocol/sim-protocol.js";

/** A number from 0 to 1 that may be left out (then undefined). */
function optionalFraction(spec: {
  readonly env: string;
  readonly description: string;
}): OptionSpec<number | undefined> {
  const fraction = decimal({ ...spec, default: 0, min: 0, max: 1 });
  return { ...spec, default: undefined, parse: (raw) => fraction.parse(raw) };
}

/** Every setting of levity-sim, in one table. */
export const simulatorOptions = {
  url: url({
    env: "SIM_URL",
    default: "ws://localhost:9000/ocpp",
    schemes: ["ws", "wss"],
    description:
      "central system URL, or a comma-separated failover list: charge point n starts at URL n mod length, and a connection that fails moves it on to the next; each charge point appends /<identity>",
  }),
  scenario: optionalText({
    env: "SIM_SCENARIO",
    description: "play this scenario file (YAML or JSON) instead of a random fleet",
  }),
  prefix: text({
    env: "SIM_PREFIX",
    default: "SIM-",
    description: "identity prefix of the simulated fleet",
  }),
  first: integer({
    env: "SIM_FIRST",
    default: 1,
    min: 0,
    description: "number of the first charge point",
  }),
  count: integer({
    env: "SIM_COUNT",
    default: 10,
    min: 1,
    max: 1_000_000,
    description: "charge points to simulate",
  }),
  protocol: choice(SIM_PROTOCOLS, {
    env: "SIM_PROTOCOL",
    default: "ocpp1.6",
    description: "OCPP version (WebSocket subprotocol) the charge points speak",
  }),
  protocolMix: optionalFraction({
    env: "SIM_PROTOCOL_MIX",
    description:
      "share of the charge points (0..1, picked by number and seed) that speak ocpp2.0.1, the rest ocpp1.6; overrides --protocol",
  }),
  connectors: integer({
    env: "SIM_CONNECTORS",
    default: 2,
    min: 1,
    max: 16,
    description: "connectors per charge point",
  }),
  seed: integer({
    env: "SIM_SEED",
    default: 1,
    description: "seed of every random choice: the same seed replays the same run",
  }),
  duration: decimal({
    env: "SIM_DURATION",
    default: 0,
    min: 0,
    description: "seconds to run (0: until interrupted)",
  }),
  ramp: decimal({
    env: "SIM_RAMP",
    default: 10,
    min: 0,
    description: "seconds over which the fleet connects",
  }),
  idleMean: decimal({
    env: "SIM_IDLE_MEAN",
    default: 600,
    min: 0.01,
    description: "mean idle seconds of a connector between sessions",
  }),
  chargeMean: decimal({
    env: "SIM_CHARGE_MEAN",
    default: 1800,
    min: 0.01,
    description: "mean seconds of a charging session",
  }),
  meterInterval: decimal({
    env: "SIM_METER_INTERVAL",
    default: 60,
    min: 0.01,
    description: "seconds between MeterValues",
  }),
  faultRate: decimal({
    env: "SIM_FAULT_RATE",
    default: 0.5,
    min: 0,
    description: "faults per charge point per hour",
  }),
  rebootRate: decimal({
    env: "SIM_REBOOT_RATE",
    default: 0.1,
    min: 0,
    description: "reboots per charge point per hour",
  }),
  dropRate: decimal({
    env: "SIM_DROP_RATE",
    default: 0.5,
    min: 0,
    description: "dropped connections per charge point per hour",
  }),
  callTimeout: integer({
    env: "SIM_CALL_TIMEOUT_MS",
    default: 30_000,
    min: 100,
    description: "ms to wait for an answer",
  }),
  expectErrors: text({
    env: "SIM_EXPECT_ERRORS",
    default: "-",
    description:
      "comma-separated CALLERROR codes that are not misbehaviour (e.g. InternalError during an outage)",
  }),
  password: optionalText({
    env: "SIM_PASSWORD",
    description: "HTTP Basic password of every charge point (security profile 1/2)",
  }),
  workers: integer({
    env: "SIM_WORKERS",
    default: 1,
    min: 1,
    max: 64,
    description: "worker threads to spread the fleet over",
  }),
  rejectRate: decimal({
    env: "SIM_REJECT_RATE",
    default: 0,
    min: 0,
    max: 1,
    description:
      "share of the central system's commands answered Rejected (or the action's refusal)",
  }),
  silentRate: decimal({
    env: "SIM_SILENT_RATE",
    default: 0,
    min: 0,
    max: 1,
    description: "share of the central system's commands left unanswered",
  }),
  commandLog: optionalText({
    env: "SIM_COMMAND_LOG",
    description:
      "write every command the central system sent (cpId, messageId, action) to this file, one JSON line each",
  }),
  statsInterval: decimal({
    env: "SIM_STATS_INTERVAL",
    default: 0,
    min: 0,
    description:
      "also print the counters so far as one JSON line on stderr every this many seconds, for a harness to follow (0: no)",
  }),
  ackLog: optionalText({
    env: "SIM_ACK_LOG",
    description:
      "write every acknowledged call (cpId, messageId, action) to this file, one JSON line each",
  }),
};
