import type { SimulatedChargePoint } from "../charge-point/simulated-charge-point.js";
import type { SeededRandom } from "../random/seeded-random.js";
import { sleep } from "./abortable-sleep.js";
import { statusOf } from "./connector-status.js";

/** When the car of a session is done by itself, and how the charge point knows it is connected. */
export interface CarDone {
  /** Mean length of a session; each one's is drawn from an exponential distribution. */
  readonly meanMs: number;
  /** Resolves true once connected, or false if the run stops first. */
  readonly online: () => Promise<boolean>;
}

/** How a session starts: at whose request, and whether its car is ever done by itself. */
export interface SessionStart {
  /** 2.0.1: the id of the RequestStartTransaction that asked for it. */
  readonly remoteStartId?: number | undefined;
  /** Without it, the car charges until the session is stopped from elsewhere or the run stops. */
  readonly carDone?: CarDone | undefined;
}

/** Ends the connector's charging session: StopTransaction, then Finishing and its next status. */
export async function endCharging(
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
 * reset, a scenario's step). A charge point that keeps its transaction messages while offline
 * (2.0.1) goes on reading its meter, and ends the transaction, offline; the others wait to be back.
 */
export async function charge(
  cp: SimulatedChargePoint,
  connectorId: number,
  idTag: string,
  rng: SeededRandom,
  stop: AbortSignal,
  { remoteStartId, carDone }: SessionStart = {},
): Promise<void> {
  // A cable already plugged in said so: a second Preparing would look like another car.
  if (cp.connectorStatus.get(connectorId) !== "Preparing")
    await cp.status(connectorId, "Preparing");
  await cp.startTransaction(connectorId, idTag, rng.between(6, 32), remoteStartId);
  const session = cp.sessions.get(connectorId);
  if (!session) {
    await cp.status(connectorId, statusOf(cp, connectorId));
    return;
  }
  await cp.status(connectorId, "Charging");
  const offlineToo = cp.keepsTransactionsOffline;
  const endsAt = carDone ? Date.now() + rng.exponential(carDone.meanMs) : Number.POSITIVE_INFINITY;
  while (Date.now() < endsAt && cp.sessions.get(connectorId) === session) {
    if (!(await sleep(rng.jitter(cp.meterIntervalS * 1000), stop))) return;
    if ((cp.online || offlineToo) && cp.sessions.get(connectorId) === session)
      await cp.meterValues(connectorId);
  }
  if (!carDone || cp.sessions.get(connectorId) !== session) return;
  if (!offlineToo && (!(await carDone.online()) || cp.sessions.get(connectorId) !== session))
    return;
  await endCharging(cp, connectorId, "Local");
}
