import type { CpAutomations, CpState } from "../../state/projection-state.js";
import type { Decision } from "./decision.js";

/** What a rule decides on for one charge point: its projected state, and the time now. */
export interface DecisionInput {
  readonly cpId: string;
  readonly cp: CpState;
  /** What automations decided about it so far (from their stored decisions). */
  readonly automations: CpAutomations | undefined;
  /** This projector's clock: the projection is known to hold every stored event. */
  readonly now: number;
}

/**
 * What one rule decided for one charge point now, and the earliest time it could decide otherwise
 * with no change of state (a trigger not yet due): absent when only a change of state can.
 */
export interface Verdict {
  readonly decisions: readonly Decision[];
  readonly wakeAt?: number;
}
