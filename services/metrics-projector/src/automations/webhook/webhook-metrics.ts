import { Counter, Gauge, type Registry } from "prom-client";
import type { DeliveryObserver } from "./webhook-delivery.js";

/** The webhooks' series, labelled by webhook name. */
export interface WebhookMetrics {
  /** What one webhook's delivery reports to. */
  observer(webhook: string): DeliveryObserver;
  /** Drops a removed webhook's queue depth (its counters stay: they are totals). */
  forget(webhook: string): void;
}

/** Registers the webhooks' series on `registry`. */
export function createWebhookMetrics(registry: Registry): WebhookMetrics {
  const registers = [registry];
  const deliveries = new Counter({
    name: "levity_webhook_deliveries_total",
    help: "Webhook POSTs by outcome: delivered (2xx), or retried (no answer, 429 or 5xx, tried again)",
    labelNames: ["webhook", "outcome"],
    registers,
  });
  const deadLetters = new Counter({
    name: "levity_webhook_dead_letters_total",
    help: "Events a webhook gave up on, by reason: overflow (oldest dropped from a full queue), retries (still failing after the last retry), refused (another 4xx)",
    labelNames: ["webhook", "reason"],
    registers,
  });
  const depth = new Gauge({
    name: "levity_webhook_queue_depth",
    help: "Events waiting to be POSTed, per webhook",
    labelNames: ["webhook"],
    registers,
  });
  return {
    observer: (webhook) => ({
      delivered: () => deliveries.labels(webhook, "delivered").inc(),
      retried: () => deliveries.labels(webhook, "retried").inc(),
      deadLettered: (reason) => deadLetters.labels(webhook, reason).inc(),
      depth: (waiting) => depth.labels(webhook).set(waiting),
    }),
    forget: (webhook) => depth.remove(webhook),
  };
}
