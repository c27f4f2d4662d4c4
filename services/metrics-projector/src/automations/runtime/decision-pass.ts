import { CPS_PER_SLICE, yieldToEventLoop } from "../../projection/event-loop-slices.js";
import type { CpAutomations, CpState, ProjectionState } from "../../state/projection-state.js";
import type { AutomationRule } from "../config/automation-rules.js";
import { decideFor, reacting } from "../decisions/decide.js";
import type { Decision } from "../decisions/decision.js";

interface Quiet {
  readonly rules: readonly AutomationRule[];
  readonly automations: CpAutomations | undefined;
  readonly until: number;
}

/**
 * The decisions due now over the whole projection, as `decide` gives them, at the cost of the
 * charge points that changed: a charge point's verdict depends only on its state, what automations
 * hold of it, the rules and the time, so one found quiet (nothing due, and nothing that time alone
 * makes due before `until`) is not looked at again while its state value, its automations entry
 * and the rules are the same ones. The walk yields to the event loop every slice, as the scrape
 * does, so event application never waits more than one slice.
 */
export class DecisionPass {
  readonly #quiet = new WeakMap<CpState, Quiet>();

  async run(
    rules: readonly AutomationRule[],
    state: ProjectionState,
    now: number,
  ): Promise<Decision[]> {
    const acting = rules.filter(reacting);
    if (acting.length === 0) return [];
    const decisions: Decision[] = [];
    let walked = 0;
    for (const [cpId, cp] of state.cps) {
      walked += 1;
      if (walked % CPS_PER_SLICE === 0) await yieldToEventLoop();
      if (cp.sessions.length === 0) continue;
      const automations = state.automations.cps.get(cpId);
      const quiet = this.#quiet.get(cp);
      if (quiet?.rules === rules && quiet.automations === automations && now < quiet.until)
        continue;
      const verdict = decideFor(acting, { cpId, cp, automations, now });
      if (verdict.quietUntil > now)
        this.#quiet.set(cp, { rules, automations, until: verdict.quietUntil });
      decisions.push(...verdict.decisions);
    }
    return decisions;
  }
}
