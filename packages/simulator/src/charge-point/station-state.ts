import type { CommandEffect } from "./command-effect.js";

/** A reservation of a connector: for whom. */
export interface Reservation {
  readonly connectorId: number;
  readonly idTag: string;
}

/**
 * What a charge point's commands read and change whatever protocol it speaks: its connectors
 * (1.6 connector n is 2.0.1 EVSE n, connector 1), transactions, availability and reservations.
 */
export interface StationState {
  readonly connectors: number;
  /** Connectors with a charging session, by transaction id. */
  readonly transactions: ReadonlyMap<number | string, number>;
  /** Connectors set Inoperative. */
  readonly inoperative: Set<number>;
  /** Reservations by id: the connector and for whom. */
  readonly reservations: Map<number, Reservation>;
  localListVersion: number;
}

const allConnectors = (state: StationState) =>
  Array.from({ length: state.connectors }, (_, i) => i + 1);

const charging = (state: StationState, connectorId: number) =>
  [...state.transactions.values()].includes(connectorId);

/** Whether a connector is charging or reserved. */
export function isBusy(state: StationState, connectorId: number): boolean {
  return (
    charging(state, connectorId) ||
    [...state.reservations.values()].some((r) => r.connectorId === connectorId)
  );
}

/** Whether a connector can start a transaction: it exists, is operative and not busy. */
export function isFree(state: StationState, connectorId: number): boolean {
  return (
    connectorId >= 1 &&
    connectorId <= state.connectors &&
    !isBusy(state, connectorId) &&
    !state.inoperative.has(connectorId)
  );
}

/** The first connector that can start a transaction. */
export function freeConnector(state: StationState): number | undefined {
  return allConnectors(state).find((id) => isFree(state, id));
}

/**
 * Sets connectors (all of them for `connectorId` 0) operative or not; the ones not charging say
 * their new status at once, a charging one changes when its transaction ends ("Scheduled").
 */
export function changeAvailability(
  state: StationState,
  connectorId: number,
  inoperative: boolean,
): { readonly status: "Accepted" | "Scheduled"; readonly effects: readonly CommandEffect[] } {
  const targets = connectorId === 0 ? allConnectors(state) : [connectorId];
  for (const id of targets) {
    if (inoperative) state.inoperative.add(id);
    else state.inoperative.delete(id);
  }
  const effects: CommandEffect[] = targets
    .filter((id) => !charging(state, id))
    .map((id) => ({
      kind: "status",
      connectorId: id,
      status: inoperative ? "Unavailable" : "Available",
    }));
  return { status: targets.some((id) => charging(state, id)) ? "Scheduled" : "Accepted", effects };
}
