/** Where on a charge point a fact happened: an EVSE, and optionally a connector of it. */
export interface Location {
  readonly evseId: number;
  readonly connectorId?: number;
}

/**
 * The location of OCPP 1.6's connector n: EVSE n, connector 1 (a 1.6 connector is an EVSE with
 * one connector). Its connector 0 is EVSE 0 with no connector: the charge point as a whole.
 */
export function ocpp16Location(connectorId: number): Location {
  return connectorId > 0 ? { evseId: connectorId, connectorId: 1 } : { evseId: 0 };
}
