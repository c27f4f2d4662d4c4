import { type Backoff, backoffMs } from "../behaviour/backoff.js";
import { restateConnectors } from "../behaviour/connector-status.js";
import { reconnect } from "../behaviour/reconnect.js";
import type { SimulatedChargePoint } from "../charge-point/simulated-charge-point.js";
import type { FleetStats } from "../fleet/fleet-stats.js";
import type { SeededRandom } from "../random/seeded-random.js";
import type { Absence } from "./absence.js";

const BACKOFF: Backoff = { firstMs: 500, maxMs: 10_000 };
// Charge points cut off together (the central system went down) do not all come back at once.
const JITTER = 0.3;

/**
 * Brings a scenario's charge point back by itself when its connection ends without a step or a
 * reset ending it (the central system went away, the network cut it), as firmware does: it
 * reconnects with back-off until connected or `stop`, as an `absence` the timeline waits out, then
 * reports its connectors as they are. It did not reboot: no BootNotification, and its transactions
 * go on.
 */
export function reconnectInScenario(
  cp: SimulatedChargePoint,
  rng: SeededRandom,
  absence: Absence,
  stats: FleetStats,
  stop: AbortSignal,
): void {
  const waitMs = (attempt: number) => rng.jitter(backoffMs(BACKOFF, attempt), JITTER);
  cp.onConnectionLost(() => {
    void absence.comeBack(async () => {
      if (!(await reconnect(cp, waitMs, stop))) return;
      stats.reconnects += 1;
      await restateConnectors(cp);
    });
  });
}
