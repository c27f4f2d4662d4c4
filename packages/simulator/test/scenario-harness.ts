import type { SimulationContext } from "../src/charge-point/simulation-context.js";
import { FleetStats, runScenario, type Scenario, type SimProtocol } from "../src/index.js";
import type { FakeCentralSystem, ReceivedCall } from "./fake-central-system.js";

/** A scenario's run against a fake central system: its counters, and how to end it early. */
export interface ScenarioRun {
  readonly stats: FleetStats;
  /** Stops the run (if still going) and resolves once every charge point is done. */
  end(): Promise<void>;
}

/** What a simulated charge point of a test needs: where to connect, where to count, a clock. */
export function simulationContext(
  url: string,
  stats: FleetStats,
  now: () => number = Date.now,
): SimulationContext {
  return {
    url,
    stats,
    callTimeoutMs: 20_000,
    expectedErrors: new Set(),
    password: undefined,
    acknowledged: () => {},
    commandReceived: () => {},
    rejectRate: 0,
    silentRate: 0,
    now,
  };
}

/** Plays a scenario against the fake central system until it ends, or `end` is called. */
export function play(
  csms: FakeCentralSystem,
  scenario: Scenario,
  protocol: SimProtocol = "ocpp1.6",
): ScenarioRun {
  const stats = new FleetStats();
  const stop = new AbortController();
  const run = runScenario(scenario, simulationContext(csms.url, stats), 1, stop.signal, {
    protocol,
    protocolMix: undefined,
  });
  return {
    stats,
    end: async () => {
      stop.abort();
      await run;
    },
  };
}

/** One charge point that connects, boots, reports its connector Available, then the given steps. */
export const scenarioOf = (
  id: string,
  ...steps: Scenario["chargePoints"][number]["steps"]
): Scenario => ({
  chargePoints: [
    {
      id,
      steps: ["connect", "boot", { status: { connector: 1, status: "Available" } }, ...steps],
    },
  ],
});

/** A call in brief: its action, and the status or connector it is about. */
export function brief({ action, payload }: ReceivedCall): string {
  if (action === "StatusNotification") {
    const connector = payload.evseId ?? payload.connectorId;
    return `${action} ${connector} ${payload.status ?? payload.connectorStatus}`;
  }
  if (action === "TransactionEvent") return `${action} ${payload.eventType}`;
  return action;
}

/** The calls, in brief, a charge point made on its n-th connection. */
export const onConnection = (csms: FakeCentralSystem, id: string, connection: number) =>
  csms
    .calls(id)
    .filter((call) => call.connection === connection)
    .map(brief);
