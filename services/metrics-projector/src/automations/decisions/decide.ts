import type { ProjectionState } from "../../state/projection-state.js";
import type { AutomationRule } from "../config/automation-rules.js";
import { autoRemoteStart } from "./auto-remote-start.js";
import { closeOrphanedTransactions } from "./close-orphaned-transactions.js";
import type { Decision } from "./decision.js";
import type { DecisionInput } from "./decision-input.js";
import { quarantineRebootLoop } from "./quarantine-reboot-loop.js";
import { resetWhenFaulted } from "./reset-when-faulted.js";

type ReactingRule = Exclude<AutomationRule, { kind: "webhook" }>;

/** The reactors: one pure function per kind of automation that acts on charge points. */
function decideOne(rule: ReactingRule, input: DecisionInput): Decision[] {
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
  const reacting = rules.filter((rule): rule is ReactingRule => rule.kind !== "webhook");
  if (reacting.length === 0) return [];
  const decisions: Decision[] = [];
  for (const [cpId, cp] of state.cps) {
    if (cp.sessions.length === 0) continue;
    const input: DecisionInput = { cpId, cp, automations: state.automations.cps.get(cpId), now };
    for (const rule of reacting) {
      if (rule.selector.matches(cpId, cp)) decisions.push(...decideOne(rule, input));
    }
  }
  return decisions;
}
