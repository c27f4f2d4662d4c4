import type { LevityEvent } from "@levity/events";
import { newCp, type ProjectionState } from "../../state/projection-state.js";
import type { AutomationRule } from "../config/automation-rules.js";
import type { WebhookRule } from "./webhook-delivery.js";

// Which events go to which webhook, and which deliveries a change of the rules restarts: pure.

/** The webhook rules among `rules`. */
export function webhookRules(rules: readonly AutomationRule[]): readonly WebhookRule[] {
  return rules.filter((rule): rule is WebhookRule => rule.kind === "webhook");
}

/**
 * Whether `rule` sends `event`: its type is chosen and, for an event about a charge point, the
 * selector holds. A charge point the projection does not hold yet is judged as one never booted
 * (its identity can match, a vendor or model pattern cannot); gateway events concern no charge
 * point, so only their type counts.
 */
export function sends(rule: WebhookRule, event: LevityEvent, state: ProjectionState): boolean {
  if (!rule.events.includes(event.type)) return false;
  if (!("cpId" in event)) return true;
  return rule.selector.matches(event.cpId, state.cps.get(event.cpId) ?? newCp(0));
}

/** What a change of the rules does to the running deliveries. */
export interface DeliveryPlan {
  /** Webhooks whose delivery ends: removed, or changed in where or how they send. */
  readonly stop: readonly string[];
  /** Rules whose delivery starts: new, or changed. */
  readonly start: readonly WebhookRule[];
}

/**
 * The deliveries to stop and start so that one runs per wanted rule. A rule whose events or
 * selector changed keeps its delivery (both are read per event); one whose url, secret file,
 * queue or retries changed gets a new one.
 */
export function planDeliveries(
  running: ReadonlyMap<string, WebhookRule>,
  wanted: readonly WebhookRule[],
): DeliveryPlan {
  const byName = new Map(wanted.map((rule) => [rule.name, rule]));
  const kept = (name: string, rule: WebhookRule | undefined) => {
    const current = running.get(name);
    return current !== undefined && rule !== undefined && sameDelivery(current, rule);
  };
  return {
    stop: [...running.keys()].filter((name) => !kept(name, byName.get(name))),
    start: wanted.filter((rule) => !kept(rule.name, rule)),
  };
}

function sameDelivery(running: WebhookRule, wanted: WebhookRule): boolean {
  return (
    running.url === wanted.url &&
    running.secretFile === wanted.secretFile &&
    running.queue === wanted.queue &&
    running.retries === wanted.retries
  );
}
