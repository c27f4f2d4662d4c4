import type { SimulatedChargePoint } from "../charge-point/simulated-charge-point.js";
import type { FleetStats } from "../fleet/fleet-stats.js";
import type { SeededRandom } from "../random/seeded-random.js";
import { onAbort, sleep } from "./abortable-sleep.js";
import { FAULT_CODES, type FleetRates } from "./fleet-rates.js";

const MAX_BACKOFF_MS = 60_000;

/** Connection state shared by the loops of one charge point's life. */
class Presence {
  #online: Promise<void>;
  #markOnline: () => void = () => {};
  readonly #stopped: Promise<void>;
  /** Set by a reboot: the next connection boots again and stops these transactions. */
  reboot: { readonly stops: number[] } | undefined;

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
 * loses its connection and reconnects with back-off. Every choice comes from `rng`.
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
  await Promise.all([
    supervise(cp, presence, rng, stats, stop),
    heartbeats(cp, presence, rng, stop),
    incidents(cp, presence, rates, rng, stop),
    ...connectors.map((connectorId) =>
      charging(cp, connectorId, presence, rates, rng.fork(connectorId), stop),
    ),
  ]);
  await cp.disconnect();
}

async function reportConnectors(cp: SimulatedChargePoint): Promise<void> {
  await cp.status(0, "Available");
  for (let connectorId = 1; connectorId <= cp.profile.connectors; connectorId++) {
    await cp.status(connectorId, cp.sessions.has(connectorId) ? "Charging" : "Available");
  }
}

async function supervise(
  cp: SimulatedChargePoint,
  presence: Presence,
  rng: SeededRandom,
  stats: FleetStats,
  stop: AbortSignal,
): Promise<void> {
  let backoffMs = 1_000;
  let booted = false;
  while (!stop.aborted) {
    if (!(await cp.connect())) {
      await sleep(rng.jitter(backoffMs, 0.3), stop);
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      continue;
    }
    backoffMs = 1_000;
    const reboot = presence.reboot;
    presence.reboot = undefined;
    if (!booted || reboot) {
      // A boot the central system did not accept is sent again on the next connection.
      booted = (await cp.boot()).kind === "result";
      for (const connectorId of reboot?.stops ?? [])
        await cp.stopTransaction(connectorId, "Reboot");
    } else {
      stats.reconnects += 1;
    }
    await reportConnectors(cp);
    presence.up();
    // presence.stopped() also settles when the stop came while this connection was booting.
    await Promise.race([cp.disconnected, presence.stopped()]);
    presence.down();
    if (stop.aborted) return;
    await sleep(rng.between(1_000, 5_000), stop);
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
  rng: SeededRandom,
  stop: AbortSignal,
): Promise<void> {
  while (await sleep(rng.exponential(rates.idleMeanS * 1000), stop)) {
    if (!(await presence.online())) return;
    const idTag = `TAG-${rng.int(1, 9999)}`;
    await cp.authorize(idTag);
    await cp.status(connectorId, "Preparing");
    const started = await cp.startTransaction(connectorId, idTag, rng.between(6, 32));
    if (started.kind !== "result") {
      await cp.status(connectorId, "Available");
      continue;
    }
    await cp.status(connectorId, "Charging");
    const endsAt = Date.now() + rng.exponential(rates.chargeMeanS * 1000);
    while (Date.now() < endsAt && cp.sessions.has(connectorId)) {
      if (!(await sleep(rng.jitter(rates.meterIntervalS * 1000), stop))) return;
      if (cp.online) await cp.meterValues(connectorId);
    }
    if (!cp.sessions.has(connectorId)) continue;
    if (!(await presence.online())) return;
    await cp.stopTransaction(connectorId);
    await cp.status(connectorId, "Finishing");
    await cp.status(connectorId, "Available");
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
      await cp.status(connectorId, "Faulted", rng.pick(FAULT_CODES));
      if (!(await sleep(rng.between(10_000, 120_000), stop))) return;
      if (cp.online)
        await cp.status(connectorId, cp.sessions.has(connectorId) ? "Charging" : "Available");
    } else if (draw < rates.faultsPerHour + rates.rebootsPerHour) {
      // A reboot loses half the transactions for good (they are never stopped) and stops the rest after boot.
      const stops: number[] = [];
      for (const connectorId of [...cp.sessions.keys()]) {
        if (rng.chance(0.5)) stops.push(connectorId);
        else cp.sessions.delete(connectorId);
      }
      presence.reboot = { stops };
      await cp.drop();
    } else {
      await cp.drop();
    }
  }
}
