import type { FleetRates } from "../behaviour/fleet-rates.js";
import type { ProtocolChoice } from "../protocol/sim-protocol.js";

/** Everything one run (or one worker's share of it) needs to know, serialisable for workers. */
export interface FleetPlan extends ProtocolChoice {
  readonly url: string;
  readonly prefix: string;
  readonly first: number;
  readonly count: number;
  readonly connectors: number;
  readonly seed: number;
  readonly rates: FleetRates;
  readonly callTimeoutMs: number;
  readonly expectedErrors: readonly string[];
  readonly password: string | undefined;
  /** Share of commands refused, and left unanswered, for tests of the central system's failure paths. */
  readonly rejectRate: number;
  readonly silentRate: number;
}

/** Splits a plan into `workers` contiguous shares of the fleet (same seed: same charge points). */
export function splitPlan(plan: FleetPlan, workers: number): FleetPlan[] {
  const shares: FleetPlan[] = [];
  const size = Math.ceil(plan.count / workers);
  for (let offset = 0; offset < plan.count; offset += size) {
    shares.push({
      ...plan,
      first: plan.first + offset,
      count: Math.min(size, plan.count - offset),
    });
  }
  return shares;
}
