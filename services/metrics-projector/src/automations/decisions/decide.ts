import type { ProjectionState } from "../../state/projection-state.js";
import type { AutomationRule } from "../config/automation-rules.js";
import { autoRemoteStart } from "./auto-remote-start.js";
import { closeOrphanedTransactions } from "./close-orphaned-transactions.js";
import type { Decision } from "./decision.js";
import type { DecisionInput, Verdict } from "./decision-input.js";
import { quarantineRebootLoop } from "./quarantine-reboot-loop.js";
import { resetWhenFaulted } from "./reset-when-faulted.js";

export type ReactingRule = Exclude<AutomationRule, { kind: "webhook" }>;

/** The reactors: one pure function per kind of automation that acts on charge points. */
function decideOne(rule: ReactingRule, input: DecisionInput): Verdict {
  switch (rule.kind) {
    case "auto-remote-start":
      return autoRemoteStart(rule, input);
    case "close-orphaned-transactions":
      return closeOrphanedTransactions(rule, input);
    case "reset-when-faulted":
      return resetWhenFaulted(rule, input);
    case "quarantine-reboot-loop":
      return quarantineRebootLoop(rule, input);
  }
}

/** Every rule's decisions for one charge point now, and until when it holds without a change of state. */
export interface ChargePointVerdict {
  readonly decisions: readonly Decision[];
  /** Its verdict stays the same until then if neither the charge point nor the rules change. */
  readonly quietUntil: number;
}

/** Whether a rule acts on charge points (a webhook forwards events instead). */
export function reacting(rule: AutomationRule): rule is ReactingRule {
  return rule.kind !== "webhook";
}

/** The decisions of `rules` (all reacting) for one charge point with an open session. */
export function decideFor(
  rules: readonly ReactingRule[],
  input: DecisionInput,
): ChargePointVerdict {
  const decisions: Decision[] = [];
  let quietUntil = Number.POSITIVE_INFINITY;
  for (const rule of rules) {
    if (!rule.selector.matches(input.cpId, input.cp)) continue;
    const verdict = decideOne(rule, input);
    decisions.push(...verdict.decisions);
    if (verdict.wakeAt !== undefined) quietUntil = Math.min(quietUntil, verdict.wakeAt);
  }
  // A decision is taken again at the next tick (the runtime knows it is settled), so it is never quiet.
  return { decisions, quietUntil: decisions.length > 0 ? input.now : quietUntil };
}

/**
 * Every decision due at `now` for the charge points with an open session that the rules select
 * (one that is offline is decided on once it is back, or recorded as skipped if too late). Pure:
 * the same state, rules and time give the same decisions.
 */
export function decide(
  rules: readonly AutomationRule[],
  state: ProjectionState,
  now: number,
): Decision[] {
  const acting = rules.filter(reacting);
  if (acting.length === 0) return [];
  const decisions: Decision[] = [];
  for (const [cpId, cp] of state.cps) {
    if (cp.sessions.length === 0) continue;
    const automations = state.automations.cps.get(cpId);
    decisions.push(...decideFor(acting, { cpId, cp, automations, now }).decisions);
  }
  return decisions;
}
