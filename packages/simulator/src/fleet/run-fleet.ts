import { setMaxListeners } from "node:events";
import { ocpp16Validator } from "@levity/ocpp";
import { liveChargePoint } from "../behaviour/charge-point-life.js";
import { SimulatedChargePoint } from "../charge-point/simulated-charge-point.js";
import type { SimulationContext } from "../charge-point/simulation-context.js";
import { SeededRandom } from "../random/seeded-random.js";
import type { FleetPlan } from "./fleet-plan.js";
import type { FleetStats } from "./fleet-stats.js";

/** A record of a call the server acknowledged. */
export interface Acknowledged {
  readonly cpId: string;
  readonly messageId: string;
  readonly action: string;
}

/** The context charge points of a plan share. */
export function simulationContext(
  plan: FleetPlan,
  stats: FleetStats,
  acknowledged: (record: Acknowledged) => void,
): SimulationContext {
  return {
    url: plan.url,
    stats,
    validator: ocpp16Validator,
    callTimeoutMs: plan.callTimeoutMs,
    expectedErrors: new Set(plan.expectedErrors),
    password: plan.password,
    acknowledged,
    now: Date.now,
  };
}

/** Runs the realistic life of each charge point of the plan until `stop` aborts. */
export async function runFleet(
  plan: FleetPlan,
  stats: FleetStats,
  stop: AbortSignal,
  acknowledged: (record: Acknowledged) => void = () => {},
): Promise<void> {
  // Every charge point's timers listen to the same stop signal.
  setMaxListeners(0, stop);
  const context = simulationContext(plan, stats, acknowledged);
  const random = new SeededRandom(plan.seed);
  const lives: Promise<void>[] = [];
  for (let index = plan.first; index < plan.first + plan.count; index++) {
    const own = random.fork(index);
    const cp = new SimulatedChargePoint(
      {
        id: `${plan.prefix}${index}`,
        connectors: plan.connectors,
        vendor: "Levity",
        model: "Sim-22",
        firmware: "1.0.0",
      },
      context,
      own.fork(0),
    );
    lives.push(liveChargePoint(cp, plan.rates, own.fork(1), stats, stop));
  }
  await Promise.all(lives);
}
