import type { SimulatedChargePoint } from "../charge-point/simulated-charge-point.js";
import type { StatusOptions } from "../protocol/protocol-dialect.js";

/** What a connector is now, as a StatusNotification says it. */
export function statusOf(cp: SimulatedChargePoint, connectorId: number): string {
  if (cp.sessions.has(connectorId)) return "Charging";
  if (cp.inoperative.has(connectorId)) return "Unavailable";
  if ([...cp.reservations.values()].some((r) => r.connectorId === connectorId)) return "Reserved";
  return "Available";
}

/**
 * Reports the charge point (connector 0) and each of its connectors, as firmware does once
 * connected. After a reset a connector's fault is gone, so `clearingFaults` says so of a Faulted one.
 */
export async function reportConnectors(
  cp: SimulatedChargePoint,
  { clearingFaults = false } = {},
): Promise<void> {
  await cp.status(0, "Available", { evenIfUnchanged: true });
  for (let connectorId = 1; connectorId <= cp.profile.connectors; connectorId++) {
    const status = statusOf(cp, connectorId);
    if (clearingFaults && cp.connectorStatus.get(connectorId) === "Faulted")
      await cp.clearFault(connectorId, status);
    else await cp.status(connectorId, status, { evenIfUnchanged: true });
  }
}

/**
 * What a connector says of itself when asked again without having rebooted: what it said last,
 * with the same error code (a fault is still there), or what it is if it never said.
 */
export function currentStatus(
  cp: SimulatedChargePoint,
  connectorId: number,
): { readonly status: string; readonly options: StatusOptions } {
  const errorCode = cp.connectorErrorCode.get(connectorId);
  return {
    status: cp.connectorStatus.get(connectorId) ?? statusOf(cp, connectorId),
    options: { evenIfUnchanged: true, ...(errorCode !== undefined ? { errorCode } : {}) },
  };
}

/**
 * Reports the charge point (connector 0) and each of its connectors as they are, as firmware does
 * once connected again without a reboot.
 */
export async function restateConnectors(cp: SimulatedChargePoint): Promise<void> {
  for (let connectorId = 0; connectorId <= cp.profile.connectors; connectorId++) {
    const { status, options } = currentStatus(cp, connectorId);
    await cp.status(connectorId, status, options);
  }
}
