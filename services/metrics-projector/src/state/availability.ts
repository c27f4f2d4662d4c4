import type { CpState } from "./projection-state.js";

// Planned availability: what an operator's accepted ChangeAvailability said a connector should be.
// A connector Unavailable because someone asked for it is maintenance, not an incident; one
// Unavailable on its own is. Pure functions, like the rest of the state.

/** What one ChangeAvailability asks for: an EVSE (0 for the whole charge point) Inoperative or not. */
export interface AvailabilityPlan {
  readonly evseId: number;
  readonly inoperative: boolean;
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The plan a ChangeAvailability request carries, in 1.6 (`connectorId`, `type`) or 2.0.1
 * (`evse.id`, `operationalStatus`) form; undefined for any other action. The request was checked
 * against the protocol's schema before it was stored, so the shapes are known.
 */
export function availabilityPlan(
  action: string,
  request: Readonly<Record<string, unknown>>,
): AvailabilityPlan | undefined {
  if (action !== "ChangeAvailability") return undefined;
  const wanted = request.type ?? request.operationalStatus;
  if (wanted !== "Inoperative" && wanted !== "Operative") return undefined;
  const evse = isRecord(request.evse) ? request.evse.id : (request.connectorId ?? 0);
  if (typeof evse !== "number" || !Number.isInteger(evse) || evse < 0) return undefined;
  return { evseId: evse, inoperative: wanted === "Inoperative" };
}

// The charger's answers that mean the change is made, or will be once a transaction ends.
const TAKEN = new Set(["Accepted", "Scheduled"]);

/** Whether a ChangeAvailability answer took the change. */
export function availabilityTaken(response: Readonly<Record<string, unknown>>): boolean {
  return typeof response.status === "string" && TAKEN.has(response.status);
}

/**
 * The charge point after a ChangeAvailability it took. Availability is held per level, as OCPP
 * holds it: the charge point's (EVSE 0) and each EVSE's, one never overriding the other; a
 * connector is planned out of service when either level is Inoperative. An EVSE the charge point
 * never reported gets no plan (an operator's typo must not invent a connector). A 2.0.1 change
 * of one connector of an EVSE counts for the EVSE, whose status is that of its latest connector.
 */
export function planned(cp: CpState, plan: AvailabilityPlan): CpState {
  if (plan.evseId === 0) return { ...cp, plannedInoperative: plan.inoperative };
  const key = String(plan.evseId);
  const connector = cp.connectors[key];
  if (!connector) return cp;
  return {
    ...cp,
    connectors: { ...cp.connectors, [key]: { ...connector, plannedInoperative: plan.inoperative } },
  };
}

/** Whether an operator set this connector, or its whole charge point, Inoperative and not back since. */
export function plannedInoperative(cp: CpState, key: string): boolean {
  return cp.plannedInoperative === true || cp.connectors[key]?.plannedInoperative === true;
}

/**
 * A connector seen Available or Preparing is in service, whatever was planned: the plans that
 * would say otherwise (its own and its charge point's) are over. The charger was re-enabled
 * another way (locally, by a reset), and a later Unavailable is its own again. A plan taken as
 * Scheduled lasts through the transaction, which reports Charging or Finishing, not these.
 */
export function inService(cp: CpState, key: string): CpState {
  const connector = cp.connectors[key];
  if (!cp.plannedInoperative && !connector?.plannedInoperative) return cp;
  const { plannedInoperative: _cpPlan, ...rest } = cp;
  if (!connector) return rest;
  const { plannedInoperative: _connectorPlan, ...operative } = connector;
  return { ...rest, connectors: { ...cp.connectors, [key]: operative } };
}
