import { wattHours } from "../metrics/watt-hours.js";
import { plannedInoperative } from "../state/availability.js";
import type { CpState, EndedTransactionState, ProjectionState } from "../state/projection-state.js";
import type { ChargePointType, EndedTransactionType } from "./charge-point-schemas.js";

// Pure views of the projection for the API: the same state /metrics renders, read the same way.

const iso = (ms: number) => new Date(ms).toISOString();

/** The gateway holding the charge point's newest session, if it is connected. */
export function gatewayOf(state: ProjectionState, cp: CpState): string | null {
  const newest = cp.sessions.at(-1);
  return (newest && state.sessions.get(newest)?.gatewayId) ?? null;
}

/** One charge point, as the API shows it. */
export function chargePointView(state: ProjectionState, id: string, cp: CpState): ChargePointType {
  return {
    id,
    connected: cp.sessions.length > 0,
    gateway: gatewayOf(state, cp),
    protocol: cp.protocol ?? null,
    vendor: cp.info?.vendor ?? null,
    model: cp.info?.model ?? null,
    firmware: cp.info?.firmware ?? null,
    firstSeen: iso(cp.firstSeenAt),
    lastSeen: iso(cp.lastSeenAt),
    energyDeliveredWh: wattHours(cp.energyWh),
    transactions: cp.transactions,
    connectors: Object.entries(cp.connectors)
      .map(([key, connector]) => ({
        id: Number(key),
        status: connector.status ?? null,
        since: connector.statusSince === undefined ? null : iso(connector.statusSince),
        inoperativePlanned: plannedInoperative(cp, key),
        transaction: connector.transaction
          ? {
              transactionId: connector.transaction.id,
              startedAt: iso(connector.transaction.startTimestamp),
              energyWh: wattHours(connector.transaction.energyWh),
              powerW: connector.powerW,
            }
          : null,
      }))
      .sort((a, b) => a.id - b.id),
  };
}

function endedView(entry: EndedTransactionState): EndedTransactionType {
  return {
    transactionId: entry.id,
    evseId: entry.evseId ?? null,
    startedAt: entry.startedAt === undefined ? null : iso(entry.startedAt),
    stoppedAt: iso(entry.stoppedAt),
    energyWh: entry.energyWh === undefined ? null : wattHours(entry.energyWh),
    stopReason: entry.reason ?? null,
    endedBy: entry.orphaned ? "orphaned" : "stop",
  };
}

/** The latest `limit` transactions the charge point ended, latest first. */
export function endedTransactionsView(cp: CpState, limit: number): EndedTransactionType[] {
  return [...(cp.endedTransactions ?? [])].reverse().slice(0, limit).map(endedView);
}

/** What a list may be narrowed to. */
export interface ChargePointFilter {
  readonly connected?: boolean;
  readonly status?: string;
  readonly vendor?: string;
  readonly protocol?: string;
  readonly gateway?: string;
}

/** Whether a charge point passes every filter given. */
export function matches(state: ProjectionState, cp: CpState, filter: ChargePointFilter): boolean {
  if (filter.connected !== undefined && cp.sessions.length > 0 !== filter.connected) return false;
  if (filter.vendor !== undefined && cp.info?.vendor !== filter.vendor) return false;
  if (filter.protocol !== undefined && cp.protocol !== filter.protocol) return false;
  if (filter.gateway !== undefined && gatewayOf(state, cp) !== filter.gateway) return false;
  if (filter.status !== undefined) {
    for (const connector of Object.values(cp.connectors))
      if (connector.status === filter.status) return true;
    return false;
  }
  return true;
}
