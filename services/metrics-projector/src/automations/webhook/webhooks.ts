import { setTimeout as delay } from "node:timers/promises";
import type { EventLog, LevityEvent, LogReader } from "@levity/events";
import { type Logger, untilOpened } from "@levity/service-kit";
import type { Registry } from "prom-client";
import type { ProjectionState } from "../../state/projection-state.js";
import type { AutomationRule } from "../config/automation-rules.js";
import { type Sleep, WebhookDelivery, type WebhookRule } from "./webhook-delivery.js";
import { createWebhookMetrics, type WebhookMetrics } from "./webhook-metrics.js";
import { planDeliveries, sends, webhookRules } from "./webhook-routing.js";

/** What the webhooks talk to: all their I/O, injected (fetch, sleep and random default to the real ones). */
export interface WebhooksDependencies {
  /** The rules now (the automations file, re-read live). */
  readonly rules: () => readonly AutomationRule[];
  readonly log: EventLog;
  /** The projection, for the selectors' vendor and model. */
  readonly state: () => ProjectionState;
  readonly registry: Registry;
  readonly logger: Logger;
  readonly fetch?: typeof globalThis.fetch;
  readonly sleep?: Sleep;
  readonly random?: () => number;
}

/** The running webhooks. */
export interface Webhooks {
  /** Stops reading and every delivery; events still waiting are dropped. */
  stop(): Promise<void>;
}

// The wait before reopening the log after a read failed.
const REOPEN_MS = 1_000;
// How often the rules are looked at while none is a webhook (the file is re-read live).
const IDLE_CHECK_MS = 2_000;

const abortableSleep: Sleep = (ms, signal) =>
  delay(ms, undefined, { signal }).catch(() => undefined);

/**
 * Forwards the events stored from now on to the webhooks that chose them. Only what is stored
 * after start (or, when the file has no webhook yet, after the first one is configured) is sent,
 * never history: a restart does not send the past again (and what was waiting when it stopped is
 * lost, which the receivers' at-least-once handling cannot see). While no webhook is configured
 * the stream is not read: the projector in the same process reads it already.
 */
export async function startWebhooks(deps: WebhooksDependencies): Promise<Webhooks> {
  const from = webhookRules(deps.rules()).length > 0 ? await streamEnd(deps) : undefined;
  return new WebhookForwarder(deps, from);
}

async function streamEnd(deps: WebhooksDependencies): Promise<number> {
  return (await untilOpened("the stream's end", () => deps.log.lastSequence(), deps.logger)) + 1;
}

class WebhookForwarder implements Webhooks {
  readonly #deps: WebhooksDependencies;
  readonly #metrics: WebhookMetrics;
  readonly #sleep: Sleep;
  readonly #deliveries = new Map<
    string,
    { readonly rule: WebhookRule; readonly delivery: WebhookDelivery }
  >();
  readonly #stopping = new AbortController();
  #next: number | undefined;
  #reader: LogReader | undefined;
  readonly #loop: Promise<void>;

  constructor(deps: WebhooksDependencies, from: number | undefined) {
    this.#deps = deps;
    this.#metrics = createWebhookMetrics(deps.registry);
    this.#sleep = deps.sleep ?? abortableSleep;
    this.#next = from;
    this.#loop = this.#follow().catch((error: unknown) =>
      deps.logger.error({ err: error }, "webhooks stopped forwarding unexpectedly"),
    );
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.#reader?.close();
    await this.#loop;
    const running = [...this.#deliveries.values()];
    this.#deliveries.clear();
    await Promise.all(running.map(({ delivery }) => delivery.stop()));
  }

  async #follow(): Promise<void> {
    const { log, logger } = this.#deps;
    while (this.#next === undefined) {
      if (this.#stopping.signal.aborted) return;
      if (webhookRules(this.#deps.rules()).length > 0) this.#next = await streamEnd(this.#deps);
      else await this.#sleep(IDLE_CHECK_MS, this.#stopping.signal);
    }
    await this.#reconcile(webhookRules(this.#deps.rules()));
    while (!this.#stopping.signal.aborted) {
      const from: number = this.#next;
      const reader = log.read(from);
      this.#reader = reader;
      try {
        for await (const record of reader) {
          if (record.sequence < (this.#next ?? from)) continue;
          this.#next = record.sequence + 1;
          const rules = webhookRules(this.#deps.rules());
          await this.#reconcile(rules);
          // An unreadable message is reported by the projector, which reads the same stream.
          if (record.ok) this.#forward(rules, record.batch.events);
        }
        if (!this.#stopping.signal.aborted)
          logger.warn("the event log closed, webhooks stop forwarding");
        return;
      } catch (error) {
        if (this.#stopping.signal.aborted) return;
        logger.error(
          { err: error, from: this.#next },
          "reading the event stream for webhooks failed, reopening",
        );
        await reader.close().catch(() => {});
        await this.#sleep(REOPEN_MS, this.#stopping.signal);
      }
    }
  }

  #forward(rules: readonly WebhookRule[], events: readonly LevityEvent[]): void {
    if (rules.length === 0) return;
    const state = this.#deps.state();
    for (const event of events)
      for (const rule of rules)
        if (sends(rule, event, state)) this.#deliveries.get(rule.name)?.delivery.offer(event);
  }

  /** Runs one delivery per webhook rule, restarting those whose sending changed. */
  async #reconcile(rules: readonly WebhookRule[]): Promise<void> {
    const running = new Map([...this.#deliveries].map(([name, { rule }]) => [name, rule]));
    const plan = planDeliveries(running, rules);
    const wanted = new Set(rules.map((rule) => rule.name));
    for (const name of plan.stop) {
      const stopping = this.#deliveries.get(name);
      this.#deliveries.delete(name);
      await stopping?.delivery.stop();
      if (!wanted.has(name)) {
        this.#metrics.forget(name);
        this.#deps.logger.info({ webhook: name }, "webhook removed");
      }
    }
    for (const rule of plan.start) this.#start(rule);
  }

  #start(rule: WebhookRule): void {
    const { fetch, random, logger } = this.#deps;
    const delivery = new WebhookDelivery(rule, {
      fetch: fetch ?? globalThis.fetch,
      sleep: this.#sleep,
      random: random ?? Math.random,
      logger,
      observer: this.#metrics.observer(rule.name),
    });
    this.#deliveries.set(rule.name, { rule, delivery });
    logger.info(
      {
        webhook: rule.name,
        events: rule.events,
        queue: rule.queue,
        retries: rule.retries,
        signed: rule.secretFile !== undefined,
      },
      "webhook started",
    );
  }
}
