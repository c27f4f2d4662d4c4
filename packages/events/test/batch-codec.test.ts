import { describe, expect, it } from "vitest";
import {
  batchMessageId,
  decodeBatch,
  encodeBatch,
  encodeBatchOfJson,
  MAX_EVENTS_PER_BATCH,
} from "../src/index.js";
import { cpEvent } from "../src/testing/index.js";

const encoder = new TextEncoder();
const raw = (value: unknown) => encoder.encode(JSON.stringify(value));

describe("batch codec", () => {
  it("round-trips a batch with its events in order", () => {
    const events = [
      cpEvent("session.opened", { protocol: "ocpp1.6", instance: "i1" }),
      cpEvent("cp.heartbeat", {}),
      cpEvent("session.closed", { reason: "closed-by-cp" }),
    ];
    const decoded = decodeBatch(
      encodeBatch({ producer: "gw-1", instance: "i1", batch: 7, events }),
    );
    expect(decoded).toEqual({
      ok: true,
      value: { producer: "gw-1", instance: "i1", batch: 7, events, rejected: [] },
    });
  });

  it("omits the batch number of an idempotent decision", () => {
    const events = [cpEvent("cp.heartbeat", {})];
    const decoded = decodeBatch(
      encodeBatch({ producer: "projector", instance: "decisions", events }),
    );
    expect(decoded.ok && decoded.value.batch).toBeUndefined();
  });

  it("keeps the valid events of a batch and reports each invalid one", () => {
    const good = cpEvent("cp.heartbeat", {});
    const decoded = decodeBatch(
      raw({
        v: 1,
        producer: "gw",
        instance: "i",
        batch: 1,
        events: [good, { type: "nope" }, 3, good],
      }),
    );
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.value.events).toEqual([good, good]);
    expect(decoded.value.rejected.map((r) => r.index)).toEqual([1, 2]);
    expect(decoded.value.rejected[0]?.violation.message).toBe("unknown event type");
  });

  it("rejects messages that are not stored batches", () => {
    const cases: [Uint8Array, string][] = [
      [encoder.encode("not json"), "message is not JSON"],
      [raw([1, 2]), "not a stored batch"],
      [raw({ v: 2, producer: "gw", instance: "i", events: [1] }), "not a stored batch: /v"],
      [raw({ v: 1, producer: "gw", instance: "i", events: [] }), "not a stored batch: /events"],
      [
        raw({ v: 1, producer: "gw", instance: "i", batch: 0, events: [1] }),
        "not a stored batch: /batch",
      ],
      [
        raw({
          v: 1,
          producer: "gw",
          instance: "i",
          events: new Array(MAX_EVENTS_PER_BATCH + 1).fill(1),
        }),
        "not a stored batch: /events",
      ],
    ];
    for (const [data, message] of cases) {
      const decoded = decodeBatch(data);
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(decoded.error).toContain(message);
    }
  });

  it("derives a deterministic message id per producer instance and batch", () => {
    expect(batchMessageId("gw-1", "i1", 3)).toBe("gw-1/i1/3");
    expect(batchMessageId("gw-1", "i1", 3)).toBe(batchMessageId("gw-1", "i1", 3));
    expect(batchMessageId("gw-1", "i2", 3)).not.toBe(batchMessageId("gw-1", "i1", 3));
  });
});

describe("encodeBatchOfJson", () => {
  it("joins pre-serialised events into the same bytes as encodeBatch", () => {
    const events = [cpEvent("cp.heartbeat", {}), cpEvent("session.closed", { reason: "replaced" })];
    const origin = { producer: 'gw "1"', instance: "i1", batch: 3 };
    const joined = encodeBatchOfJson(
      origin,
      events.map((event) => JSON.stringify(event)),
    );
    expect(joined).toEqual(encodeBatch({ ...origin, events }));
    expect(decodeBatch(joined)).toMatchObject({ ok: true, value: { producer: 'gw "1"', events } });
  });
});
