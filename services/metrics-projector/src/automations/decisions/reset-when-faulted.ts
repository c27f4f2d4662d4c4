import { actedTimes } from "../../state/automations.js";
import { inTransaction } from "../../state/projection-state.js";
import type { RuleOf } from "../config/automation-rules.js";
import { type Decision, decisionId, iso, speaks201 } from "./decision.js";
import type { DecisionInput, Verdict } from "./decision-input.js";

/** How long after a charger is due a reset may still be sent. */
export const RESET_GRACE_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

/**
 * A charge point with a connector Faulted for the rule's `after` gets one soft Reset, unless a
 * transaction runs (the decision waits for it to end) or it was reset `maxPerDay` times in the
 * last 24 hours (decided as skipped, so the limit shows). The trigger is the connector that has
 * been Faulted longest entering Faulted: one decision per fault, whatever the charger resends.
 */
export function resetWhenFaulted(
  rule: RuleOf<"reset-when-faulted">,
  { cpId, cp, automations, now }: DecisionInput,
): Verdict {
  let faulted: { readonly evse: string; readonly since: number } | undefined;
  for (const [evse, connector] of Object.entries(cp.connectors)) {
    const since = connector.statusSince;
    if (connector.status !== "Faulted" || since === undefined) continue;
    if (!faulted || since < faulted.since) faulted = { evse, since };
  }
  if (!faulted || inTransaction(cp)) return { decisions: [] };
  const due = faulted.since + rule.afterMs;
  if (now < due) return { decisions: [], wakeAt: due };
  const resets = actedTimes(automations, rule.name).filter((at) => at > now - DAY_MS).length;
  const decision: Decision = {
    id: decisionId(rule.name, cpId, faulted.evse, faulted.since),
    automation: rule.name,
    kind: rule.kind,
    cpId,
    trigger: `connector ${faulted.evse} Faulted since ${iso(faulted.since)}`,
    deadline: due + RESET_GRACE_MS,
    command: { action: "Reset", request: { type: speaks201(cp.protocol) ? "OnIdle" : "Soft" } },
    ...(resets >= rule.maxPerDay
      ? { skip: `reset ${resets} times in the last 24 hours (maxPerDay ${rule.maxPerDay})` }
      : {}),
  };
  return { decisions: [decision] };
}
