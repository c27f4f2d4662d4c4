import type { SimulatedChargePoint } from "../charge-point/simulated-charge-point.js";
import { sleep } from "./abortable-sleep.js";

/**
 * Waits `waitMs(attempt)` before each attempt to connect (from 0), until connected (true) or
 * `stop` comes first (false).
 */
export async function reconnect(
  cp: SimulatedChargePoint,
  waitMs: (attempt: number) => number,
  stop: AbortSignal,
): Promise<boolean> {
  for (let attempt = 0; await sleep(waitMs(attempt), stop); attempt++)
    if (await cp.connect()) return true;
  return false;
}
