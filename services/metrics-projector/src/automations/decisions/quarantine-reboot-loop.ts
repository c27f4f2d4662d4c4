import type { RuleOf } from "../config/automation-rules.js";
import { type Decision, decisionId, iso, speaks201 } from "./decision.js";
import type { DecisionInput, Verdict } from "./decision-input.js";

/** How long after the boot that crossed the limit the quarantine may still be sent. */
export const QUARANTINE_GRACE_MS = 2 * 60_000;

/**
 * More than `boots` boots within `window` (ending at the latest boot) set the charge point
 * Inoperative and hold it quarantined; the trigger is that latest boot. Once an operator clears
 * the quarantine, the charge point is set Operative again (the trigger: the clearing).
 */
export function quarantineRebootLoop(
  rule: RuleOf<"quarantine-reboot-loop">,
  { cpId, cp, automations }: DecisionInput,
): Verdict {
  const decisions: Decision[] = [];
  const cleared = automations?.cleared;
  if (cleared?.automation === rule.name && !automations?.quarantine) {
    decisions.push({
      id: decisionId(rule.name, cpId, "release", cleared.id),
      automation: rule.name,
      kind: rule.kind,
      cpId,
      trigger: `quarantine cleared at ${iso(cleared.at)}`,
      deadline: cleared.at + QUARANTINE_GRACE_MS,
      command: availability(cp.protocol, "Operative"),
    });
  }
  const boots = cp.bootTimes ?? [];
  const last = boots.at(-1);
  if (automations?.quarantine || last === undefined) return { decisions };
  const inWindow = boots.filter((at) => at > last - rule.windowMs).length;
  if (inWindow <= rule.boots) return { decisions };
  decisions.push({
    id: decisionId(rule.name, cpId, last),
    automation: rule.name,
    kind: rule.kind,
    cpId,
    trigger: `${inWindow} boots within ${rule.windowMs / 1000} s, the latest at ${iso(last)}`,
    deadline: last + QUARANTINE_GRACE_MS,
    command: availability(cp.protocol, "Inoperative"),
    quarantine: true,
  });
  return { decisions };
}

function availability(protocol: string | undefined, status: "Operative" | "Inoperative") {
  return speaks201(protocol)
    ? { action: "ChangeAvailability", request: { operationalStatus: status } }
    : { action: "ChangeAvailability", request: { connectorId: 0, type: status } };
}
