import { connect } from "node:net";
import { setImmediate as yieldToIo } from "node:timers/promises";
import { eventually } from "@levity/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "./frame-corpus.js";
import {
  expectNeighbourServed,
  type FuzzTarget,
  type Neighbour,
  startFuzzTarget,
} from "./fuzz-target.js";
import { exchange, head } from "./outcomes.js";

// Charge points that misbehave over time: flooding, never reading, going silent, reconnecting.

let target: FuzzTarget;
let neighbour: Neighbour;

beforeAll(async () => {
  target = await startFuzzTarget({ pingInterval: 1, maxQueuedCalls: 10 });
  neighbour = target.neighbour();
});
afterAll(async () => {
  await target?.stop();
});

const closedFor = (reason: string) =>
  target.metric("levity_gateway_sessions_closed_total", { reason });

describe("abusive charge points", () => {
  it("closes a charge point that sends 500 CALLs without waiting with 1008 call-flood", async () => {
    const before = await closedFor("call-flood");
    const peer = await target.peer("FUZZ-FLOOD");
    const ids = Array.from({ length: 500 }, (_, i) => `f${i}`);
    for (const id of ids) peer.sendText(call(id, "Heartbeat", {}));
    await peer.ended;
    expect(peer.closeCode).toBe(1008);
    expect(await closedFor("call-flood")).toBe(before + 1);
    // At most the calls the gateway may hold were answered, in order, from the first on.
    const answered = peer.texts.map((text) => head(text));
    expect(answered.length).toBeLessThanOrEqual(11);
    expect(answered).toEqual(ids.slice(0, answered.length).map((id) => [3, id]));
  });

  it("answers 500 CALLs refused at once without counting them as queued", async () => {
    const peer = await target.peer("FUZZ-BURST");
    const ids = Array.from({ length: 500 }, (_, i) => `u${i}`);
    for (const id of ids.slice(0, -1)) peer.sendText(call(id, "Teleport", {}));
    // No answer can arrive before the last send: exchange sees every one of them.
    const answers = await exchange(peer, call(ids.at(-1) ?? "", "Teleport", {}));
    expect(answers.map((text) => head(text, 3))).toEqual(
      ids.map((id) => [4, id, "NotImplemented"]),
    );
    await peer.close();
  });

  it("ignores and counts 1,000 unreadable frames sent without waiting, keeping the session", async () => {
    const reason = { reason: "unreadable" };
    const before = await target.metric("levity_gateway_frames_ignored_total", reason);
    const peer = await target.peer("FUZZ-GARBAGE");
    for (let i = 0; i < 1_000; i++) peer.sendText(`garbage ${i}`);
    const [answer] = await exchange(peer, call("after-garbage", "Heartbeat", {}));
    expect(head(answer)).toEqual([3, "after-garbage"]);
    expect(await target.metric("levity_gateway_frames_ignored_total", reason)).toBe(before + 1_000);
    await peer.close();
  });

  it("drops a charge point that sends CALLs but never reads its answers (slow-consumer)", async () => {
    await target.settle();
    const before = await closedFor("slow-consumer");
    const peer = await target.peer("FUZZ-DEAF");
    peer.stopReading();
    const frame = call("d".repeat(36), "A".repeat(64), {});
    // Each refusal adds ~150 bytes the peer never reads, until the gateway's send buffer bound.
    while ((await closedFor("slow-consumer")) === before) {
      for (let i = 0; i < 500; i++) peer.sendText(frame);
      await yieldToIo();
    }
    await target.settle();
    peer.destroy();
  });

  it("terminates a charge point that stops answering pings (half-open) after the ping interval", async () => {
    const before = await closedFor("ping-timeout");
    const peer = await target.peer("FUZZ-SILENT");
    peer.stopReading();
    await eventually(async () => expect(await closedFor("ping-timeout")).toBe(before + 1));
    await target.settle();
    peer.destroy();
  });

  it("forgets 100 connections dropped at every stage of their life", async () => {
    for (let i = 0; i < 50; i++) (await target.peer(`FUZZ-CHURN-${i}`)).destroy();
    for (let i = 0; i < 25; i++) await (await target.peer("FUZZ-SAME")).close();
    for (let i = 0; i < 25; i++) {
      const socket = connect(target.port, "127.0.0.1", () => {
        socket.write(`GET /ocpp/FUZZ-HALF-${i} HTTP/1.1\r\nUpgrade: websocket\r\n`);
        socket.destroy();
      });
      socket.on("error", () => {});
    }
    await target.settle();
    expect(await target.metric("levity_gateway_connections")).toBe(1);
  });

  it("replaces, not stacks, the sessions of an identity reconnecting without closing", async () => {
    const before = await closedFor("replaced");
    const peers = [];
    for (let i = 0; i < 20; i++) peers.push(await target.peer("FUZZ-RECONNECT"));
    expect(target.g.gateway.sessions()).toBe(2);
    expect(await closedFor("replaced")).toBe(before + 19);
    for (const peer of peers) peer.destroy();
  });

  it("kept the neighbour answered throughout, and left nothing behind", async () => {
    await expectNeighbourServed(neighbour);
    await target.expectUnharmed();
  });
});
