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
 * The charge point after a ChangeAvailability it took: the whole charge point (EVSE 0) sets every
 * connector, known or not yet, and drops the connectors' own plans; an EVSE sets its own.
 */
export function planned(cp: CpState, plan: AvailabilityPlan): CpState {
  if (plan.evseId === 0) {
    const connectors = Object.fromEntries(
      Object.entries(cp.connectors).map(([key, connector]) => {
        const { plannedInoperative: _dropped, ...rest } = connector;
        return [key, rest];
      }),
    );
    return { ...cp, plannedInoperative: plan.inoperative, connectors };
  }
  const key = String(plan.evseId);
  const connector = cp.connectors[key] ?? { transaction: null, currentA: 0, powerW: 0 };
  return {
    ...cp,
    connectors: { ...cp.connectors, [key]: { ...connector, plannedInoperative: plan.inoperative } },
  };
}

/** Whether an operator set this connector (or its charge point) Inoperative and not back since. */
export function plannedInoperative(cp: CpState, key: string): boolean {
  return cp.connectors[key]?.plannedInoperative ?? cp.plannedInoperative ?? false;
}
