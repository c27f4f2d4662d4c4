import type { CommandEffect } from "../charge-point/command-effect.js";
import type { SimulatedChargePoint } from "../charge-point/simulated-charge-point.js";
import type { FleetStats } from "../fleet/fleet-stats.js";
import type { BootReason } from "../protocol/protocol-dialect.js";
import type { SeededRandom } from "../random/seeded-random.js";
import { onAbort, sleep } from "./abortable-sleep.js";
import { FAULT_CODES, type FleetRates } from "./fleet-rates.js";

const MAX_BACKOFF_MS = 60_000;

/** Connection state shared by the loops of one charge point's life. */
class Presence {
  #online: Promise<void>;
  #markOnline: () => void = () => {};
  readonly #stopped: Promise<void>;
  /** Set by a reboot: the next connection boots again, for this reason, and stops these transactions. */
  reboot:
    | { readonly stops: number[]; readonly reason: string; readonly boot: BootReason }
    | undefined;

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
  cp.onEffects(obeying(cp, presence, rates, rng.fork(99), stop));
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

/** What a connector is now, as a StatusNotification says it. */
function statusOf(cp: SimulatedChargePoint, connectorId: number): string {
  if (cp.sessions.has(connectorId)) return "Charging";
  if (cp.inoperative.has(connectorId)) return "Unavailable";
  if ([...cp.reservations.values()].some((r) => r.connectorId === connectorId)) return "Reserved";
  return "Available";
}

async function reportConnectors(cp: SimulatedChargePoint): Promise<void> {
  await cp.status(0, "Available", { evenIfUnchanged: true });
  for (let connectorId = 1; connectorId <= cp.profile.connectors; connectorId++) {
    await cp.status(connectorId, statusOf(cp, connectorId), { evenIfUnchanged: true });
  }
}

/**
 * Does what the central system's commands ask, in the order they came: reboots, remote starts and
 * stops, triggered messages, status changes.
 */
function obeying(
  cp: SimulatedChargePoint,
  presence: Presence,
  rates: FleetRates,
  rng: SeededRandom,
  stop: AbortSignal,
): (effects: readonly CommandEffect[]) => void {
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (effect: CommandEffect) => {
    queue = queue.then(() => perform(effect)).catch(() => {});
  };
  const perform = async (effect: CommandEffect): Promise<void> => {
    switch (effect.kind) {
      case "reset":
        if (effect.whenIdle) {
          // Waits beside the queue: the commands that end the transactions must still be obeyed.
          void (async () => {
            while (cp.sessions.size > 0) if (!(await sleep(1_000, stop))) return;
            enqueue({ kind: "reset", hard: effect.hard });
          })();
        } else if (effect.hard) {
          presence.reboot = {
            stops: [...cp.sessions.keys()],
            reason: "HardReset",
            boot: "RemoteReset",
          };
          await cp.drop();
        } else {
          for (const connectorId of [...cp.sessions.keys()])
            await endCharging(cp, connectorId, "SoftReset");
          presence.reboot = { stops: [], reason: "SoftReset", boot: "RemoteReset" };
          await cp.disconnect();
        }
        return;
      case "remote-start":
        void charge(
          cp,
          effect.connectorId,
          effect.idTag,
          presence,
          rates,
          rng,
          stop,
          effect.remoteStartId,
        );
        return;
      case "remote-stop":
        await endCharging(cp, effect.connectorId, "Remote");
        return;
      case "status":
        await cp.status(effect.connectorId, effect.status);
        return;
      case "trigger":
        await triggered(cp, effect.message, effect.connectorId);
        return;
      case "send":
        await cp.call(effect.action, effect.payload);
        return;
    }
  };
  return (effects) => {
    for (const effect of effects) enqueue(effect);
  };
}

/** Sends the message a TriggerMessage asked for. */
async function triggered(
  cp: SimulatedChargePoint,
  message: string,
  connectorId: number | undefined,
): Promise<void> {
  const connectors =
    connectorId && connectorId > 0
      ? [connectorId]
      : Array.from({ length: cp.profile.connectors }, (_, i) => i + 1);
  switch (message) {
    case "BootNotification":
      await cp.boot("Triggered");
      return;
    case "Heartbeat":
      await cp.heartbeat();
      return;
    case "StatusNotification":
      for (const id of connectors) await cp.status(id, statusOf(cp, id), { evenIfUnchanged: true });
      return;
    default:
      await cp.triggered(message, connectors);
  }
}

/** Ends the connector's charging session: StopTransaction, then Finishing and its next status. */
async function endCharging(
  cp: SimulatedChargePoint,
  connectorId: number,
  reason: string,
): Promise<void> {
  if (!cp.sessions.has(connectorId)) return;
  await cp.stopTransaction(connectorId, reason);
  await cp.status(connectorId, "Finishing");
  await cp.status(connectorId, statusOf(cp, connectorId));
}

/**
 * One charging session on a connector: Preparing, a started transaction, Charging with meter
 * readings, until the car is done or the session is stopped from elsewhere (a remote stop, a
 * reset). A charge point that keeps its transaction messages while offline (2.0.1) goes on
 * reading its meter, and ends the transaction, offline; the others wait to be back.
 */
async function charge(
  cp: SimulatedChargePoint,
  connectorId: number,
  idTag: string,
  presence: Presence,
  rates: FleetRates,
  rng: SeededRandom,
  stop: AbortSignal,
  remoteStartId?: number,
): Promise<void> {
  await cp.status(connectorId, "Preparing");
  await cp.startTransaction(connectorId, idTag, rng.between(6, 32), remoteStartId);
  const session = cp.sessions.get(connectorId);
  if (!session) {
    await cp.status(connectorId, statusOf(cp, connectorId));
    return;
  }
  await cp.status(connectorId, "Charging");
  const offlineToo = cp.keepsTransactionsOffline;
  const endsAt = Date.now() + rng.exponential(rates.chargeMeanS * 1000);
  while (Date.now() < endsAt && cp.sessions.get(connectorId) === session) {
    if (!(await sleep(rng.jitter(cp.meterIntervalS * 1000), stop))) return;
    if ((cp.online || offlineToo) && cp.sessions.get(connectorId) === session)
      await cp.meterValues(connectorId);
  }
  if (cp.sessions.get(connectorId) !== session) return;
  if (!offlineToo && (!(await presence.online()) || cp.sessions.get(connectorId) !== session))
    return;
  await endCharging(cp, connectorId, "Local");
}

async function supervise(
  cp: SimulatedChargePoint,
  presence: Presence,
  rng: SeededRandom,
  stats: FleetStats,
  stop: AbortSignal,
): Promise<void> {
  let backoffMs = 1_000;
  // Why the next connection boots; none once a boot was answered.
  let bootReason: BootReason | undefined = "PowerUp";
  while (!stop.aborted) {
    if (!(await cp.connect())) {
      await sleep(rng.jitter(backoffMs, 0.3), stop);
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      continue;
    }
    backoffMs = 1_000;
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
    // A car cannot start on a connector that is in use, reserved or set Inoperative.
    if (statusOf(cp, connectorId) !== "Available") continue;
    const idTag = `TAG-${rng.int(1, 9999)}`;
    await cp.authorize(idTag);
    await charge(cp, connectorId, idTag, presence, rates, rng, stop);
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
