import { readFile } from "node:fs/promises";
import type { LevityEvent } from "@levity/events";
import type { Logger } from "@levity/service-kit";
import type { RuleOf } from "../config/automation-rules.js";
import { backoffMs, POST_TIMEOUT_MS, type PostOutcome, verdictOf } from "./webhook-policy.js";
import { BoundedQueue } from "./webhook-queue.js";
import { signBody } from "./webhook-signature.js";

/** A webhook rule as the automations file gives it. */
export type WebhookRule = RuleOf<"webhook">;

/** Why an event was given up: pushed out of a full queue, out of retries, or refused by the receiver. */
export type DeadLetterReason = "overflow" | "retries" | "refused";

/** Told of what happens to one webhook's events (its metrics). */
export interface DeliveryObserver {
  delivered(): void;
  retried(): void;
  deadLettered(reason: DeadLetterReason): void;
  /** Events now waiting (not counting the one being sent). */
  depth(waiting: number): void;
}

/** Waits `ms`, or less if `signal` aborts; never rejects. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** What a delivery talks to: all its I/O, injected. */
export interface DeliveryDependencies {
  readonly fetch: typeof globalThis.fetch;
  readonly sleep: Sleep;
  /** In [0, 1): the back-off's jitter. */
  readonly random: () => number;
  readonly logger: Logger;
  readonly observer: DeliveryObserver;
}

// The secret file is read again after this long when it could not be read.
const SECRET_RETRY_MS = 5_000;

/**
 * One webhook's delivery: a bounded queue and a single sender that POSTs its events in order,
 * at least once (a POST that timed out may have arrived: receivers deduplicate on
 * Levity-Event-Id). The URL is never logged, as it often carries a token; nor is the secret.
 */
export class WebhookDelivery {
  readonly #rule: WebhookRule;
  readonly #deps: DeliveryDependencies;
  readonly #queue: BoundedQueue<LevityEvent>;
  readonly #stopping = new AbortController();
  readonly #logger: Logger;
  #wake: (() => void) | undefined;
  readonly #loop: Promise<void>;

  constructor(rule: WebhookRule, deps: DeliveryDependencies) {
    this.#rule = rule;
    this.#deps = deps;
    this.#queue = new BoundedQueue(rule.queue);
    this.#logger = deps.logger.child({ webhook: rule.name });
    this.#loop = this.#run().catch((error: unknown) =>
      this.#logger.error({ err: error }, "webhook delivery ended unexpectedly"),
    );
  }

  /** Queues `event`; when the queue is full, the oldest waiting event is dead-lettered. */
  offer(event: LevityEvent): void {
    if (this.#stopping.signal.aborted) return;
    const evicted = this.#queue.push(event);
    if (evicted) this.#deadLetter(evicted, "overflow", {});
    this.#deps.observer.depth(this.#queue.size);
    this.#wake?.();
  }

  /** Ends the sender, aborting a POST or wait in progress; waiting events are dropped. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    this.#wake?.();
    await this.#loop;
    const dropped = this.#queue.clear();
    if (dropped > 0) this.#logger.info({ dropped }, "webhook stopped, dropping waiting events");
  }

  get #stopped(): boolean {
    return this.#stopping.signal.aborted;
  }

  async #run(): Promise<void> {
    const secret = await this.#secret();
    while (!this.#stopped) {
      const event = this.#queue.shift();
      if (!event) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        this.#wake = undefined;
        continue;
      }
      this.#deps.observer.depth(this.#queue.size);
      await this.#deliver(event, secret);
    }
  }

  /** The HMAC key, read once; until the file can be read nothing is sent (unsigned would mislead). */
  async #secret(): Promise<string | undefined> {
    const path = this.#rule.secretFile;
    if (path === undefined) return undefined;
    for (let attempt = 0; !this.#stopped; attempt++) {
      const read = await readSecret(path);
      if (read.ok) return read.secret;
      if (attempt % 10 === 0)
        this.#logger.error(
          { secretFile: path, error: read.error },
          "cannot read the webhook secret",
        );
      await this.#deps.sleep(SECRET_RETRY_MS, this.#stopping.signal);
    }
    return undefined;
  }

  async #deliver(event: LevityEvent, secret: string | undefined): Promise<void> {
    const body = JSON.stringify(event);
    for (let retry = 0; ; retry++) {
      const outcome = await this.#post(event, body, secret);
      if (this.#stopped) return;
      const verdict = verdictOf(outcome);
      const detail = outcome.ok ? { status: outcome.status } : { error: outcome.error };
      if (verdict === "delivered") {
        this.#deps.observer.delivered();
        return;
      }
      if (verdict === "refused") {
        this.#deadLetter(event, "refused", detail);
        return;
      }
      if (retry >= this.#rule.retries) {
        this.#deadLetter(event, "retries", detail);
        return;
      }
      const delay = backoffMs(retry + 1, this.#deps.random);
      this.#logger.debug(
        { eventId: event.id, ...detail, retry: retry + 1, delay },
        "webhook POST failed, retrying",
      );
      this.#deps.observer.retried();
      await this.#deps.sleep(delay, this.#stopping.signal);
      if (this.#stopped) return;
    }
  }

  async #post(event: LevityEvent, body: string, secret: string | undefined): Promise<PostOutcome> {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "levity-event-id": event.id,
      "levity-event-type": event.type,
    };
    if (secret !== undefined) headers["levity-signature"] = signBody(secret, body);
    try {
      const response = await this.#deps.fetch(this.#rule.url, {
        method: "POST",
        headers,
        body,
        redirect: "manual",
        signal: AbortSignal.any([AbortSignal.timeout(POST_TIMEOUT_MS), this.#stopping.signal]),
      });
      // The body is not needed; cancelling it frees the connection for the next POST.
      await response.body?.cancel().catch(() => {});
      return { ok: true, status: response.status };
    } catch (error) {
      // fetch names the URL when it cannot parse it, and the URL must not reach the logs.
      return { ok: false, error: describe(error).replaceAll(this.#rule.url, "<url>") };
    }
  }

  #deadLetter(event: LevityEvent, reason: DeadLetterReason, detail: Record<string, unknown>): void {
    this.#deps.observer.deadLettered(reason);
    this.#logger.warn(
      { eventId: event.id, eventType: event.type, reason, ...detail },
      "webhook gave up on an event",
    );
  }
}

async function readSecret(
  path: string,
): Promise<{ ok: true; secret: string } | { ok: false; error: string }> {
  try {
    const secret = (await readFile(path, "utf8")).trim();
    return secret === "" ? { ok: false, error: "the file is empty" } : { ok: true, secret };
  } catch (error) {
    return { ok: false, error: describe(error) };
  }
}

/** One line about a failure, with the cause fetch hides behind "fetch failed". */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.name === "TimeoutError" ? "no answer in time" : error.message}${cause}`;
}
