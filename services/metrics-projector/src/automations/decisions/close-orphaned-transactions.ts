import type { RuleOf } from "../config/automation-rules.js";
import { type Decision, decisionId, iso, speaks201 } from "./decision.js";
import type { DecisionInput, Verdict } from "./decision-input.js";

/** How long after a transaction was orphaned its charger may still be asked. */
export const ORPHAN_GRACE_MS = 60_000;

/**
 * The projection closes a transaction orphaned by its connector moving on (a new transaction, or
 * Available) on its own; with `trigger`, the charger is also asked for that connector's status
 * (TriggerMessage StatusNotification), so what it really is replaces what was inferred. The
 * trigger is the orphaned transaction.
 */
export function closeOrphanedTransactions(
  rule: RuleOf<"close-orphaned-transactions">,
  { cpId, cp, now }: DecisionInput,
): Verdict {
  if (!rule.trigger) return { decisions: [] };
  const decisions: Decision[] = [];
  for (const ended of cp.endedTransactions ?? []) {
    if (!ended.orphaned || ended.evseId === undefined) continue;
    const deadline = ended.endedAt + ORPHAN_GRACE_MS;
    // Orphans long gone are history to keep, not to decide on: recorded as skipped only while recent.
    if (now > deadline + ORPHAN_GRACE_MS) continue;
    decisions.push({
      id: decisionId(rule.name, cpId, ended.id),
      automation: rule.name,
      kind: rule.kind,
      cpId,
      trigger: `transaction ${ended.id} on connector ${ended.evseId} orphaned at ${iso(ended.endedAt)}`,
      deadline,
      command: {
        action: "TriggerMessage",
        request: speaks201(cp.protocol)
          ? { requestedMessage: "StatusNotification", evse: { id: ended.evseId, connectorId: 1 } }
          : { requestedMessage: "StatusNotification", connectorId: ended.evseId },
      },
    });
  }
  return { decisions };
}
