import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import {
  type EventLog,
  encodeBatch,
  InProcessEventLog,
  type LevityEvent,
  type LogReader,
} from "@levity/events";
import { cpEvent, gatewayEvent } from "@levity/events/testing";
import { createLogger } from "@levity/service-kit";
import { eventually, parseMetricsText, sampleValue } from "@levity/testkit";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import {
  type AutomationRule,
  parseAutomations,
} from "../../src/automations/config/automation-rules.js";
import { backoffMs, verdictOf } from "../../src/automations/webhook/webhook-policy.js";
import { BoundedQueue } from "../../src/automations/webhook/webhook-queue.js";
import { verifySignature } from "../../src/automations/webhook/webhook-signature.js";
import { startWebhooks, type Webhooks } from "../../src/automations/webhook/webhooks.js";
import { EMPTY_STATE } from "../../src/state/projection-state.js";

// The webhooks against a real HTTP receiver and the in-process log: only the back-off's sleep is
// injected (it returns at once), so retries take no real time.

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** What the receiver answers to its n-th request (from 0): a status, or hold it until released. */
type Answer = (index: number) => number | "hold";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function receiver(answer: Answer = () => 200) {
  const received: Received[] = [];
  const held: (() => void)[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const index = received.length;
      received.push({
        path: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      const status = answer(index);
      if (status === "hold") held.push(() => response.writeHead(200).end());
      else response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return {
    received,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    release: () => {
      for (const respond of held.splice(0)) respond();
    },
  };
}

function rulesOf(yaml: string): readonly AutomationRule[] {
  const parsed = parseAutomations(yaml);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

const webhookYaml = (fields: Record<string, unknown>) =>
  `automations:\n  - ${JSON.stringify({ kind: "webhook", name: "hook", ...fields })}\n`;

let batchNo = 0;
async function store(log: EventLog, ...events: LevityEvent[]) {
  batchNo += 1;
  await log.append({
    producer: "gw-1",
    messageId: `gw-1/a1/${batchNo}`,
    data: encodeBatch({ producer: "gw-1", instance: "a1", batch: batchNo, events }),
  });
}

const fault = (cpId = "CP-1") =>
  cpEvent("cp.fault", { evseId: 1, code: "GroundFailure", active: true }, { cpId });
const heartbeat = () => cpEvent("cp.heartbeat", {});
const lost = () => gatewayEvent("gateway.lost", { instance: "a1", lastAliveAt: 1 });

/** Starts the webhooks on `log` with the rules `current()` gives, logging into `lines`. */
async function webhooks(
  current: () => readonly AutomationRule[],
  log: EventLog = new InProcessEventLog(),
) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const registry = new Registry();
  const waits: number[] = [];
  const started: Webhooks = await startWebhooks({
    rules: current,
    log,
    state: () => EMPTY_STATE,
    registry,
    logger: createLogger({ service: "test", level: "trace", destination }),
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0,
  });
  cleanups.push(() => started.stop());
  const metric = async (name: string, labels: Record<string, string>) =>
    sampleValue(parseMetricsText(await registry.metrics()), name, labels);
  return { log, logs: () => lines.join(""), waits, metric };
}

const delivered = { webhook: "hook", outcome: "delivered" };
const retried = { webhook: "hook", outcome: "retried" };
const deadLetters = (reason: string) => ({ webhook: "hook", reason });

describe("webhooks", () => {
  it("POSTs the chosen events stored from now on, in order, as their JSON, signed", async () => {
    const dir = await mkdtemp(join(tmpdir(), "levity-webhook-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const secretFile = join(dir, "secret");
    await writeFile(secretFile, "  the-shared-secret\n");
    const target = await receiver();
    const log = new InProcessEventLog();
    const before = fault();
    await store(log, before);
    const rules = rulesOf(
      webhookYaml({
        url: target.url("/hooks/token-in-path"),
        events: ["cp.fault", "gateway.lost"],
        secretFile,
        chargePoints: ["CP-1"],
      }),
    );
    const hooks = await webhooks(() => rules, log);

    const sent = [fault(), lost(), fault()];
    await store(log, heartbeat(), sent[0] as LevityEvent, fault("CP-2"));
    await store(log, sent[1] as LevityEvent);
    await store(log, sent[2] as LevityEvent);

    await eventually(() => expect(target.received.length).toBeGreaterThanOrEqual(sent.length));
    expect(target.received.map((request) => JSON.parse(request.body))).toEqual(sent);
    for (const [index, request] of target.received.entries()) {
      const event = sent[index] as LevityEvent;
      expect(request.path).toBe("/hooks/token-in-path");
      expect(request.headers["content-type"]).toBe("application/json");
      expect(request.headers["levity-event-id"]).toBe(event.id);
      expect(request.headers["levity-event-type"]).toBe(event.type);
      const signature = request.headers["levity-signature"];
      expect(typeof signature === "string" && signature.startsWith("sha256=")).toBe(true);
      expect(verifySignature("the-shared-secret", request.body, String(signature))).toBe(true);
      expect(verifySignature("another-secret", request.body, String(signature))).toBe(false);
    }
    await eventually(async () =>
      expect(await hooks.metric("levity_webhook_deliveries_total", delivered)).toBe(3),
    );
    expect(hooks.logs()).toContain("webhook started");
    expect(hooks.logs()).not.toContain("the-shared-secret");
    expect(hooks.logs()).not.toContain("token-in-path");
  });

  it("sends unsigned without a secret file", async () => {
    const target = await receiver();
    const rules = rulesOf(webhookYaml({ url: target.url("/"), events: ["cp.fault"] }));
    const { log } = await webhooks(() => rules);
    await store(log, fault());
    await eventually(() => expect(target.received).toHaveLength(1));
    expect(target.received[0]?.headers["levity-signature"]).toBeUndefined();
  });

  it("reads nothing while no webhook is configured, then forwards what is stored after the first one is", async () => {
    const target = await receiver();
    const log = new InProcessEventLog();
    const reads: number[] = [];
    const read = log.read.bind(log);
    log.read = (from) => {
      reads.push(from);
      return read(from);
    };
    let current: readonly AutomationRule[] = rulesOf(
      "automations: [{ name: reset, kind: reset-when-faulted }]",
    );
    const started = await startWebhooks({
      rules: () => current,
      log,
      state: () => EMPTY_STATE,
      registry: new Registry(),
      logger: createLogger({ service: "test", level: "silent" }),
      sleep: (ms, signal) =>
        new Promise((resolve) => {
          const timer = setTimeout(resolve, Math.min(ms, 5));
          signal.addEventListener("abort", () => {
            clearTimeout(timer);
            resolve();
          });
        }),
    });
    cleanups.push(() => started.stop());
    await store(log, fault("CP-BEFORE"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reads).toEqual([]);
    current = rulesOf(webhookYaml({ url: target.url("/"), events: ["cp.fault"] }));
    await eventually(() => expect(reads).toHaveLength(1));
    await store(log, fault("CP-AFTER"));
    await eventually(() => expect(target.received).toHaveLength(1));
    expect(JSON.parse(target.received[0]?.body ?? "{}")).toMatchObject({ cpId: "CP-AFTER" });
  });

  it("retries 503s with back-off, then delivers", async () => {
    const target = await receiver((index) => (index < 2 ? 503 : 200));
    const rules = rulesOf(webhookYaml({ url: target.url("/"), events: ["cp.fault"] }));
    const hooks = await webhooks(() => rules);
    const event = fault();
    await store(hooks.log, event);

    await eventually(async () =>
      expect(await hooks.metric("levity_webhook_deliveries_total", delivered)).toBe(1),
    );
    expect(target.received.map((request) => request.headers["levity-event-id"])).toEqual([
      event.id,
      event.id,
      event.id,
    ]);
    expect(await hooks.metric("levity_webhook_deliveries_total", retried)).toBe(2);
    expect(hooks.waits).toEqual([backoffMs(1, () => 0), backoffMs(2, () => 0)]);
    expect(
      await hooks.metric("levity_webhook_dead_letters_total", deadLetters("retries")),
    ).toBeUndefined();
  });

  it("dead-letters an event still failing after its last retry", async () => {
    const target = await receiver(() => 500);
    const rules = rulesOf(webhookYaml({ url: target.url("/"), events: ["cp.fault"], retries: 2 }));
    const hooks = await webhooks(() => rules);
    await store(hooks.log, fault());

    await eventually(async () =>
      expect(await hooks.metric("levity_webhook_dead_letters_total", deadLetters("retries"))).toBe(
        1,
      ),
    );
    expect(target.received).toHaveLength(3);
    expect(await hooks.metric("levity_webhook_deliveries_total", retried)).toBe(2);
  });

  it("dead-letters at once an event the receiver refuses with a 4xx", async () => {
    const target = await receiver((index) => (index === 0 ? 400 : 200));
    const rules = rulesOf(webhookYaml({ url: target.url("/"), events: ["cp.fault"] }));
    const hooks = await webhooks(() => rules);
    const [refused, next] = [fault(), fault()];
    await store(hooks.log, refused, next);

    await eventually(async () =>
      expect(await hooks.metric("levity_webhook_deliveries_total", delivered)).toBe(1),
    );
    expect(target.received.map((request) => request.headers["levity-event-id"])).toEqual([
      refused.id,
      next.id,
    ]);
    expect(await hooks.metric("levity_webhook_dead_letters_total", deadLetters("refused"))).toBe(1);
    expect(await hooks.metric("levity_webhook_deliveries_total", retried)).toBeUndefined();
  });

  it("drops the oldest waiting event when the queue is full", async () => {
    const target = await receiver((index) => (index === 0 ? "hold" : 200));
    const rules = rulesOf(webhookYaml({ url: target.url("/"), events: ["cp.fault"], queue: 2 }));
    const hooks = await webhooks(() => rules);
    const [first, dropped, third, fourth] = [fault(), fault(), fault(), fault()];
    await store(hooks.log, first);
    await eventually(() => expect(target.received).toHaveLength(1));

    await store(hooks.log, dropped, third, fourth);
    await eventually(async () =>
      expect(await hooks.metric("levity_webhook_dead_letters_total", deadLetters("overflow"))).toBe(
        1,
      ),
    );
    expect(await hooks.metric("levity_webhook_queue_depth", { webhook: "hook" })).toBe(2);
    target.release();

    await eventually(() => expect(target.received).toHaveLength(3));
    expect(target.received.map((request) => request.headers["levity-event-id"])).toEqual([
      first.id,
      third.id,
      fourth.id,
    ]);
    await eventually(async () =>
      expect(await hooks.metric("levity_webhook_deliveries_total", delivered)).toBe(3),
    );
    expect(await hooks.metric("levity_webhook_queue_depth", { webhook: "hook" })).toBe(0);
  });

  it("follows the rules as they change: a removed webhook stops, a changed url restarts", async () => {
    const target = await receiver();
    const both = (hookPath: string) =>
      rulesOf(`automations:
  - { kind: webhook, name: hook, url: "${target.url(hookPath)}", events: [cp.fault] }
  - { kind: webhook, name: other, url: "${target.url("/other")}", events: [cp.fault] }
`);
    let current = both("/hook");
    const hooks = await webhooks(() => current);
    const paths = (path: string) =>
      target.received
        .filter((request) => request.path === path)
        .map((r) => r.headers["levity-event-id"]);

    const [a, b, c] = [fault(), fault(), fault()];
    await store(hooks.log, a);
    await eventually(() => expect(paths("/hook")).toEqual([a.id]));

    current = both("/moved");
    await store(hooks.log, b);
    await eventually(() => expect(paths("/moved")).toEqual([b.id]));

    current = rulesOf(
      `automations:\n  - { kind: webhook, name: other, url: "${target.url("/other")}", events: [cp.fault] }\n`,
    );
    await store(hooks.log, c);
    await eventually(() => expect(paths("/other")).toEqual([a.id, b.id, c.id]));
    expect(await hooks.metric("levity_webhook_queue_depth", { webhook: "hook" })).toBeUndefined();
    expect(paths("/hook")).toEqual([a.id]);
    expect(paths("/moved")).toEqual([b.id]);
    expect(hooks.logs()).toContain("webhook removed");
  });

  it("reopens the log after a read fails, from the record after the last one seen", async () => {
    const target = await receiver();
    const rules = rulesOf(webhookYaml({ url: target.url("/"), events: ["cp.fault"] }));
    const log = new FailingOnceLog();
    const hooks = await webhooks(() => rules, log);
    const [a, b] = [fault(), fault()];
    await store(log, a);
    await store(log, b);

    await eventually(() => expect(target.received).toHaveLength(2));
    expect(target.received.map((request) => request.headers["levity-event-id"])).toEqual([
      a.id,
      b.id,
    ]);
    expect(hooks.logs()).toContain("reopening");
  });
});

/** The in-process log whose first reader fails after its first record, as a broker hiccup would. */
class FailingOnceLog extends InProcessEventLog {
  #failed = false;

  override read(fromSequence: number): LogReader {
    const inner = super.read(fromSequence);
    if (this.#failed) return inner;
    this.#failed = true;
    return {
      async *[Symbol.asyncIterator]() {
        for await (const record of inner) {
          yield record;
          throw new Error("consumer deleted");
        }
      },
      close: () => inner.close(),
    };
  }
}

describe("webhook policy", () => {
  it("delivers on 2xx, retries no answer, 429 and 5xx, refuses anything else", () => {
    expect(verdictOf({ ok: true, status: 204 })).toBe("delivered");
    expect(verdictOf({ ok: false, error: "fetch failed" })).toBe("retry");
    expect(verdictOf({ ok: true, status: 429 })).toBe("retry");
    expect(verdictOf({ ok: true, status: 502 })).toBe("retry");
    expect(verdictOf({ ok: true, status: 404 })).toBe("refused");
    expect(verdictOf({ ok: true, status: 302 })).toBe("refused");
  });

  it("backs off exponentially from 500 ms to at most 30 s, jittered between half and all", () => {
    expect([1, 2, 3, 4].map((retry) => backoffMs(retry, () => 1))).toEqual([500, 1000, 2000, 4000]);
    expect(backoffMs(1, () => 0)).toBe(250);
    expect(backoffMs(20, () => 1)).toBe(30_000);
  });

  it("queues at most its capacity, evicting the oldest", () => {
    const queue = new BoundedQueue<number>(2);
    expect([queue.push(1), queue.push(2), queue.push(3)]).toEqual([undefined, undefined, 1]);
    expect([queue.shift(), queue.shift(), queue.shift()]).toEqual([2, 3, undefined]);
    expect(queue.size).toBe(0);
  });
});
