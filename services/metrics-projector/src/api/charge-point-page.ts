import { CPS_PER_SLICE, yieldToEventLoop } from "../projection/event-loop-slices.js";
import type { CpState, ProjectionState } from "../state/projection-state.js";
import type { ChargePointType } from "./charge-point-schemas.js";
import { type ChargePointFilter, chargePointView, matches } from "./charge-point-views.js";

/** One page of charge points, ordered by identity. */
export interface ChargePointPage {
  readonly items: ChargePointType[];
  readonly total: number;
  readonly next: string | null;
}

/**
 * The charge points that pass `filter`, ordered by identity (UTF-16 code units), `limit` of them
 * after the identity `after`: a cursor, so a page is stable while charge points come and go.
 */
export async function chargePointPage(
  state: ProjectionState,
  query: { readonly limit: number; readonly after?: string; readonly filter: ChargePointFilter },
): Promise<ChargePointPage> {
  const { after, limit, filter } = query;
  const candidates: [string, CpState][] = [];
  let total = 0;
  let examined = 0;
  for (const entry of state.cps) {
    examined += 1;
    if (examined % CPS_PER_SLICE === 0) await yieldToEventLoop();
    if (!matches(state, entry[1], filter)) continue;
    total += 1;
    if (after === undefined || entry[0] > after) candidates.push(entry);
  }
  candidates.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const page = candidates.slice(0, limit);
  const items = page.map(([id, cp]) => chargePointView(state, id, cp));
  return { items, total, next: candidates.length > limit ? (page.at(-1)?.[0] ?? null) : null };
}
