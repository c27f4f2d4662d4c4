import type { ProjectionState } from "../state/projection-state.js";
import type { ChargePointType } from "./charge-point-schemas.js";
import { type ChargePointFilter, chargePointView, matches } from "./charge-point-views.js";

// Charge points examined between two yields to the event loop: a list over a large fleet never
// holds up event application for long (as a scrape does not). The state is one immutable value,
// so a page that spans several turns still reads one consistent state.
const CPS_PER_SLICE = 2_000;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

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
  const candidates: string[] = [];
  let total = 0;
  let examined = 0;
  for (const [id, cp] of state.cps) {
    examined += 1;
    if (examined % CPS_PER_SLICE === 0) await yieldToEventLoop();
    if (!matches(state, cp, filter)) continue;
    total += 1;
    if (after === undefined || id > after) candidates.push(id);
  }
  candidates.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const ids = candidates.slice(0, limit);
  const items = ids.map((id) => {
    const cp = state.cps.get(id);
    if (!cp) throw new Error(`charge point ${id} vanished from an immutable state`);
    return chargePointView(state, id, cp);
  });
  return { items, total, next: candidates.length > limit ? (ids.at(-1) ?? null) : null };
}
