import type { CpAutomations, CpState } from "../../state/projection-state.js";

/** What a rule decides on for one charge point: its projected state, and the time now. */
export interface DecisionInput {
  readonly cpId: string;
  readonly cp: CpState;
  /** What automations decided about it so far (from their stored decisions). */
  readonly automations: CpAutomations | undefined;
  /** This projector's clock: the projection is known to hold every stored event. */
  readonly now: number;
}
