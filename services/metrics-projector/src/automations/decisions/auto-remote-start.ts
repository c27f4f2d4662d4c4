import type { RuleOf } from "../config/automation-rules.js";
import { type Decision, decisionId, iso, speaks201 } from "./decision.js";
import type { DecisionInput, Verdict } from "./decision-input.js";

/** How long after its delay a remote start may still be sent: a plugged-in driver is waiting. */
export const REMOTE_START_GRACE_MS = 30_000;

// A cable plugged in and no session yet: 1.6 says Preparing; 2.0.1 has no such status, its
// connector is Occupied.
const PLUGGED_IN = new Set(["Preparing", "Occupied"]);

/**
 * A connector Preparing (2.0.1: Occupied) with no transaction, for the rule's delay, is started
 * with the rule's idTag. The trigger is the connector entering that status: one decision per
 * plug-in, and none once a transaction starts or the cable is unplugged (the connector leaves it).
 */
export function autoRemoteStart(
  rule: RuleOf<"auto-remote-start">,
  { cpId, cp, now }: DecisionInput,
): Verdict {
  const decisions: Decision[] = [];
  let wakeAt: number | undefined;
  for (const [evse, connector] of Object.entries(cp.connectors)) {
    const since = connector.statusSince;
    if (!PLUGGED_IN.has(connector.status ?? "") || connector.transaction || since === undefined)
      continue;
    const due = since + rule.delayMs;
    if (now < due) {
      wakeAt = Math.min(wakeAt ?? due, due);
      continue;
    }
    const id = decisionId(rule.name, cpId, evse, since);
    const evseId = Number(evse);
    decisions.push({
      id,
      automation: rule.name,
      kind: rule.kind,
      cpId,
      trigger: `connector ${evse} ${connector.status} with no transaction since ${iso(since)}`,
      deadline: due + REMOTE_START_GRACE_MS,
      command: speaks201(cp.protocol)
        ? {
            action: "RequestStartTransaction",
            request: {
              evseId,
              remoteStartId: remoteStartIdOf(id),
              idToken: { idToken: rule.idTag, type: "Central" },
            },
          }
        : { action: "RemoteStartTransaction", request: { connectorId: evseId, idTag: rule.idTag } },
    });
  }
  return wakeAt === undefined ? { decisions } : { decisions, wakeAt };
}

/** 2.0.1's remoteStartId (a positive integer) from the decision's id: the same decision, the same id. */
export function remoteStartIdOf(id: string): number {
  const hex = id.slice(-8);
  return (Number.parseInt(hex, 16) % 2_147_483_646) + 1;
}
