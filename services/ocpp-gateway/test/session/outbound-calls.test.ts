import { ocpp16CommandValidator, parseFrame } from "@levity/ocpp";
import { describe, expect, it } from "vitest";
import { type OutboundCall, OutboundCalls } from "../../src/session/outbound-calls.js";

/** The outbound half on a fake socket: what it sent, and how to answer. */
function outbound(options: { maxQueued?: number; timeoutMs?: number } = {}) {
  const sent: { messageId: string; action: string; payload: unknown }[] = [];
  let unmatched = 0;
  const calls = new OutboundCalls({
    send: (text) => {
      const parsed = parseFrame(text);
      if (parsed.ok && parsed.frame.kind === "call") sent.push(parsed.frame);
    },
    validator: ocpp16CommandValidator,
    now: Date.now,
    timeoutMs: options.timeoutMs ?? 5_000,
    maxQueued: options.maxQueued ?? 10,
    unmatchedAnswer: () => {
      unmatched += 1;
    },
  });
  const result = (messageId: string, payload: unknown) =>
    calls.answered({ kind: "result", messageId, payload });
  return { calls, sent, result, unmatched: () => unmatched };
}

const call = (messageId: string, extra: Partial<OutboundCall> = {}): OutboundCall => ({
  messageId,
  action: "Reset",
  payload: { type: "Soft" },
  deadline: Date.now() + 5_000,
  ...extra,
});
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("the outbound half of a session", () => {
  it("has one call in flight at a time and sends the next once it is answered", async () => {
    const { calls, sent, result } = outbound();
    const first = calls.submit(call("c1"));
    const second = calls.submit(call("c2"));
    expect(sent.map((c) => c.messageId)).toEqual(["c1"]);
    expect(calls.queued).toBe(1);
    result("c1", { status: "Accepted" });
    expect(await first).toMatchObject({ outcome: "completed", response: { status: "Accepted" } });
    await tick();
    expect(sent.map((c) => c.messageId)).toEqual(["c1", "c2"]);
    result("c2", { status: "Rejected" });
    expect(await second).toMatchObject({ outcome: "completed", response: { status: "Rejected" } });
  });

  it("reports a CALLERROR as rejected and an answer that breaks the .conf schema as invalid", async () => {
    const { calls, result } = outbound();
    const rejected = calls.submit(call("c1"));
    calls.answered({
      kind: "error",
      messageId: "c1",
      errorCode: "NotSupported",
      description: "no",
      details: {},
    });
    expect(await rejected).toMatchObject({
      outcome: "failed",
      reason: "rejected",
      errorCode: "NotSupported",
      errorDescription: "no",
    });
    const invalid = calls.submit(call("c2"));
    await tick();
    result("c2", { status: "Perhaps" });
    expect(await invalid).toMatchObject({ outcome: "failed", reason: "invalid-answer" });
  });

  it("times out a silent charge point, then counts and ignores its late answer", async () => {
    const { calls, result, unmatched } = outbound({ timeoutMs: 20 });
    expect(await calls.submit(call("c1"))).toMatchObject({
      outcome: "failed",
      reason: "timed-out",
    });
    expect(result("c1", { status: "Accepted" })).toBe(false);
    expect(unmatched()).toBe(1);
  });

  it("never sends a command after its deadline: dropped while it waited", async () => {
    const { calls, sent, result } = outbound();
    const first = calls.submit(call("c1"));
    const late = calls.submit(call("c2", { deadline: Date.now() + 10 }));
    await new Promise((resolve) => setTimeout(resolve, 30));
    result("c1", { status: "Accepted" });
    await first;
    expect(await late).toMatchObject({ outcome: "failed", reason: "deadline-passed" });
    expect(sent.map((c) => c.messageId)).toEqual(["c1"]);
    expect(await calls.submit(call("c3", { deadline: Date.now() - 1 }))).toMatchObject({
      reason: "deadline-passed",
    });
  });

  it("refuses one more than the queue holds, at once", async () => {
    const { calls } = outbound({ maxQueued: 1 });
    void calls.submit(call("c1"));
    void calls.submit(call("c2"));
    expect(await calls.submit(call("c3"))).toMatchObject({ reason: "queue-full" });
  });

  it("never sends a request that breaks the action's schema", async () => {
    const { calls, sent } = outbound();
    expect(await calls.submit(call("c1", { payload: { type: "Gentle" } }))).toMatchObject({
      reason: "invalid-request",
    });
    expect(await calls.submit(call("c2", { action: "Frobnicate" }))).toMatchObject({
      reason: "invalid-request",
    });
    expect(sent).toEqual([]);
  });

  it("fails what is in flight and what waits, at once, when the session closes", async () => {
    const { calls } = outbound();
    const inFlight = calls.submit(call("c1"));
    const waiting = calls.submit(call("c2"));
    calls.close("the session closed (closed-by-cp)");
    expect(await inFlight).toMatchObject({ reason: "session-closed" });
    expect(await waiting).toMatchObject({ reason: "session-closed" });
    expect(await calls.submit(call("c3"))).toMatchObject({ reason: "session-closed" });
  });

  it("sends a command given twice once, and gives both the same outcome", async () => {
    const { calls, sent, result } = outbound();
    const once = calls.submit(call("c1"));
    const again = calls.submit(call("c1"));
    result("c1", { status: "Accepted" });
    expect(await again).toEqual(await once);
    expect(sent).toHaveLength(1);
  });
});
