import type { SimulatedChargePoint } from "../charge-point/simulated-charge-point.js";
import type { FleetStats } from "../fleet/fleet-stats.js";
import type { BootReason } from "../protocol/protocol-dialect.js";
import type { SeededRandom } from "../random/seeded-random.js";
import { onAbort, sleep } from "./abortable-sleep.js";
import { afterFailureMs, afterLossMs } from "./backoff.js";
import { type CarDone, charge } from "./charging-session.js";
import { obeying, type Reboot } from "./command-effects.js";
import { reportConnectors, statusOf } from "./connector-status.js";
import { FAULT_CODES, type FleetRates } from "./fleet-rates.js";

/** Connection state shared by the loops of one charge point's life. */
class Presence {
  #online: Promise<void>;
  #markOnline: () => void = () => {};
  readonly #stopped: Promise<void>;
  /** Set by a reboot: the next connection boots again, for this reason, and stops these transactions. */
  reboot: Reboot | undefined;

  constructor(stop: AbortSignal) {
    this.#online = this.#pending();
    this.#stopped = new Promise((resolve) => onAbort(stop, resolve));
  }

  #pending(): Promise<void> {
    return new Promise((resolve) => {
      this.#markOnline = resolve;
    });
  }

  /** Resolves true once connected, or false if the run stops first. */
  online(): Promise<boolean> {
    return Promise.race([this.#online.then(() => true), this.#stopped.then(() => false)]);
  }

  /** Resolves when the run stops. */
  stopped(): Promise<void> {
    return this.#stopped;
  }

  up(): void {
    this.#markOnline();
  }

  down(): void {
    this.#online = this.#pending();
  }
}

/**
 * The realistic life of a charge point until `stop` aborts: it connects (spread over the ramp),
 * boots, reports its connectors, heartbeats at the interval the server gave, charges cars on each
 * connector with meter readings, and now and then faults, reboots (sometimes mid-transaction) or
 * loses its connection and reconnects with back-off (FLEET_RECONNECT), along its failover list.
 * Every choice comes from `rng`.
 */
export async function liveChargePoint(
  cp: SimulatedChargePoint,
  rates: FleetRates,
  rng: SeededRandom,
  stats: FleetStats,
  stop: AbortSignal,
): Promise<void> {
  if (!(await sleep(rng.between(0, rates.rampS * 1000), stop))) return;
  const presence = new Presence(stop);
  const connectors = Array.from({ length: cp.profile.connectors }, (_, i) => i + 1);
  const carDone: CarDone = {
    meanMs: rates.chargeMeanS * 1000,
    online: () => presence.online(),
  };
  cp.onEffects(
    obeying(cp, {
      rng: rng.fork(99),
      stop,
      carDone,
      // The connection loop (supervise) brings the charge point back as the reboot says.
      restart: async (reboot, goDown) => {
        presence.reboot = reboot;
        await goDown();
      },
    }),
  );
  await Promise.all([
    supervise(cp, presence, rng, stats, stop),
    heartbeats(cp, presence, rng, stop),
    incidents(cp, presence, rates, rng, stop),
    ...connectors.map((connectorId) =>
      charging(cp, connectorId, presence, rates, carDone, rng.fork(connectorId), stop),
    ),
  ]);
  await cp.disconnect();
}

async function supervise(
  cp: SimulatedChargePoint,
  presence: Presence,
  rng: SeededRandom,
  stats: FleetStats,
  stop: AbortSignal,
): Promise<void> {
  let failures = 0;
  // Why the next connection boots; none once a boot was answered.
  let bootReason: BootReason | undefined = "PowerUp";
  while (!stop.aborted) {
    if (!(await cp.connect())) {
      await sleep(afterFailureMs(rng, failures), stop);
      failures += 1;
      continue;
    }
    failures = 0;
    const reboot = presence.reboot;
    presence.reboot = undefined;
    if (reboot) bootReason = reboot.boot;
    if (bootReason) {
      // A boot the central system did not answer is sent again on the next connection.
      if ((await cp.boot(bootReason)).kind === "result") bootReason = undefined;
      for (const connectorId of reboot?.stops ?? [])
        await cp.stopTransaction(connectorId, reboot?.reason ?? "Reboot");
    } else {
      stats.reconnects += 1;
    }
    await reportConnectors(cp);
    presence.up();
    // presence.stopped() also settles when the stop came while this connection was booting.
    await Promise.race([cp.disconnected, presence.stopped()]);
    presence.down();
    if (stop.aborted) return;
    await sleep(afterLossMs(rng), stop);
  }
}

// The interval is the one the server gave at boot, so the first wait starts once connected.
async function heartbeats(
  cp: SimulatedChargePoint,
  presence: Presence,
  rng: SeededRandom,
  stop: AbortSignal,
): Promise<void> {
  while (await presence.online()) {
    if (!(await sleep(rng.jitter(cp.heartbeatIntervalS * 1000), stop))) return;
    if (cp.online) await cp.heartbeat();
  }
}

async function charging(
  cp: SimulatedChargePoint,
  connectorId: number,
  presence: Presence,
  rates: FleetRates,
  carDone: CarDone,
  rng: SeededRandom,
  stop: AbortSignal,
): Promise<void> {
  while (await sleep(rng.exponential(rates.idleMeanS * 1000), stop)) {
    if (!(await presence.online())) return;
    // A car cannot start on a connector that is in use, reserved or set Inoperative.
    if (statusOf(cp, connectorId) !== "Available") continue;
    const idTag = `TAG-${rng.int(1, 9999)}`;
    await cp.authorize(idTag);
    await charge(cp, connectorId, idTag, rng, stop, { carDone });
  }
}

async function incidents(
  cp: SimulatedChargePoint,
  presence: Presence,
  rates: FleetRates,
  rng: SeededRandom,
  stop: AbortSignal,
): Promise<void> {
  const total = rates.faultsPerHour + rates.rebootsPerHour + rates.dropsPerHour;
  if (total <= 0) return;
  while (await sleep(rng.exponential(3_600_000 / total), stop)) {
    if (!cp.online) continue;
    const draw = rng.next() * total;
    if (draw < rates.faultsPerHour) {
      const connectorId = rng.int(1, cp.profile.connectors);
      await cp.fault(connectorId, rng.pick(FAULT_CODES));
      if (!(await sleep(rng.between(10_000, 120_000), stop))) return;
      if (cp.online)
        await cp.clearFault(connectorId, cp.sessions.has(connectorId) ? "Charging" : "Available");
    } else if (draw < rates.faultsPerHour + rates.rebootsPerHour) {
      // A reboot loses half the transactions for good (they are never stopped) and stops the rest after boot.
      const stops: number[] = [];
      for (const connectorId of [...cp.sessions.keys()]) {
        if (rng.chance(0.5)) stops.push(connectorId);
        else cp.sessions.delete(connectorId);
      }
      presence.reboot = { stops, reason: "Reboot", boot: "PowerUp" };
      await cp.drop();
    } else {
      await cp.drop();
    }
  }
}
