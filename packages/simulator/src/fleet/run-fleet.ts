import { setMaxListeners } from "node:events";
import { ownSignal } from "../behaviour/abortable-sleep.js";
import { liveChargePoint } from "../behaviour/charge-point-life.js";
import { SimulatedChargePoint } from "../charge-point/simulated-charge-point.js";
import type { SimulationContext } from "../charge-point/simulation-context.js";
import { protocolOf } from "../protocol/sim-protocol.js";
import { SeededRandom } from "../random/seeded-random.js";
import type { FleetPlan } from "./fleet-plan.js";
import type { FleetStats } from "./fleet-stats.js";

/** A record of a call the server acknowledged, or of a command the server sent. */
export interface Acknowledged {
  readonly cpId: string;
  readonly messageId: string;
  readonly action: string;
}

/** Where the records of a run go: calls acknowledged, commands received. */
export interface RunRecords {
  readonly acknowledged: (record: Acknowledged) => void;
  readonly commandReceived: (record: Acknowledged) => void;
}

const NO_RECORDS: RunRecords = { acknowledged: () => {}, commandReceived: () => {} };

/** The context charge points of a plan share. */
export function simulationContext(
  plan: FleetPlan,
  stats: FleetStats,
  records: RunRecords,
): SimulationContext {
  return {
    url: plan.url,
    stats,
    callTimeoutMs: plan.callTimeoutMs,
    expectedErrors: new Set(plan.expectedErrors),
    password: plan.password,
    acknowledged: records.acknowledged,
    commandReceived: records.commandReceived,
    rejectRate: plan.rejectRate,
    silentRate: plan.silentRate,
    now: Date.now,
  };
}

/**
 * Runs the realistic life of each charge point of the plan, in its protocol, until `stop` aborts.
 * Given a failover list, charge point n starts at its (n mod length)-th URL: the fleet splits
 * evenly over the central systems.
 */
export async function runFleet(
  plan: FleetPlan,
  stats: FleetStats,
  stop: AbortSignal,
  records: RunRecords = NO_RECORDS,
): Promise<void> {
  // Every charge point listens to the stop signal, through a signal of its own.
  setMaxListeners(0, stop);
  const context = simulationContext(plan, stats, records);
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
      plan.rates.meterIntervalS,
      protocolOf(index, plan.seed, plan),
      index,
    );
    lives.push(liveChargePoint(cp, plan.rates, own.fork(1), stats, ownSignal(stop)));
  }
  await Promise.all(lives);
}
