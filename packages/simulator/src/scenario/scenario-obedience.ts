import { type Backoff, backoffMs } from "../behaviour/backoff.js";
import { obeying, type Reboot } from "../behaviour/command-effects.js";
import { reportConnectors } from "../behaviour/connector-status.js";
import { reconnect } from "../behaviour/reconnect.js";
import type { SimulatedChargePoint } from "../charge-point/simulated-charge-point.js";
import type { SeededRandom } from "../random/seeded-random.js";
import type { Absence } from "./absence.js";

// A rebooting charge point is offline a moment (the first wait), so the central system sees the
// old connection go.
const REBOOT: Backoff = { firstMs: 1_000, maxMs: 30_000 };

/**
 * Makes a scenario's charge point obey the central system's commands as a fleet's does. A remotely
 * started session charges until a step stops it or the charge point's timeline ends (`stop`); a
 * reset brings the charge point back itself, since a scenario has no connection loop that would,
 * as an `absence` the timeline waits out.
 */
export function obeyInScenario(
  cp: SimulatedChargePoint,
  rng: SeededRandom,
  absence: Absence,
  stop: AbortSignal,
): void {
  cp.onEffects(
    obeying(cp, {
      rng,
      stop,
      restart: (reboot, goDown) =>
        absence.comeBack(async () => {
          await goDown();
          await comeBack(cp, reboot, stop);
        }),
    }),
  );
}

/**
 * Reconnects (with back-off while the central system cannot be reached), boots for the reboot's
 * reason, stops the transactions a hard reset left open, and reports every connector: a reset
 * clears a fault.
 */
async function comeBack(
  cp: SimulatedChargePoint,
  reboot: Reboot,
  stop: AbortSignal,
): Promise<void> {
  if (!(await reconnect(cp, (attempt) => backoffMs(REBOOT, attempt), stop))) return;
  await cp.boot(reboot.boot);
  for (const connectorId of reboot.stops) await cp.stopTransaction(connectorId, reboot.reason);
  await reportConnectors(cp, { clearingFaults: true });
}
