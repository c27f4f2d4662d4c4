import { readEvents } from "@levity/events/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { at, CORPUS, call } from "./frame-corpus.js";
import {
  expectNeighbourServed,
  type FuzzTarget,
  type Neighbour,
  startFuzzTarget,
} from "./fuzz-target.js";
import { exchange, expectOutcome, head } from "./outcomes.js";
import type { RawPeer } from "./raw-peer.js";

// The hand-made corpus (frame-corpus.ts), then inputs whose answer needs more than one look.

let target: FuzzTarget;
let peer: RawPeer;
let neighbour: Neighbour;

beforeAll(async () => {
  target = await startFuzzTarget();
  peer = await target.peer("FUZZ-CORPUS");
  neighbour = target.neighbour();
});
afterAll(async () => {
  peer?.destroy();
  await target?.stop();
});

function meterValues(id: string, sampledValue: readonly unknown[]): string {
  return call(id, "MeterValues", { connectorId: 1, meterValue: [{ timestamp: at, sampledValue }] });
}

const manySamples = Array.from({ length: 2_100 }, () => ({ value: "1" }));

describe("the frame corpus", () => {
  it.each(CORPUS)("answers %s as OCPP 1.6J asks", async (_name, frame, id, outcome) => {
    await expectOutcome(target, peer, frame, id, outcome);
  });

  it("never echoes a payload value in an error", async () => {
    const secret = "s3cr3t-TAG-value-never-echoed";
    const [answer] = await exchange(peer, call("e1", "Authorize", { idTag: secret }));
    expect(answer).toMatch(/^\[4,"e1","PropertyConstraintViolation",/);
    expect(answer).not.toContain(secret);
  });

  it("answers duplicate ids in order, each with its own answer", async () => {
    // The second is sent while the first waits for its events to be stored.
    peer.sendText(call("dup", "Heartbeat", {}));
    const answers = await exchange(peer, call("dup", "Heartbeat", {}));
    expect(answers.map((answer) => head(answer))).toEqual([
      [3, "dup"],
      [3, "dup"],
    ]);
  });

  it("lets no __proto__ field reach the prototype of objects", () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ["regression: a sampled value beyond a double", "s1", [{ value: "1e400" }], 0, 1],
    ["regression: a kWh value that overflows in Wh", "s2", [{ value: "1e308", unit: "kWh" }], 0, 1],
    ["regression: 2,100 sampled values in one call", "s3", manySamples, 2_000, 100],
  ])(
    "accepts %s, storing what the contract allows and counting the rest",
    async (_name, id, sampledValue, kept, dropped) => {
      const droppedBefore = await target.metric("levity_gateway_samples_dropped_total");
      await target.newViolations();
      const [answer] = await exchange(peer, meterValues(id, sampledValue));
      expect(head(answer)).toEqual([3, id]);
      expect(await target.newViolations()).toEqual([]);
      expect(await target.metric("levity_gateway_samples_dropped_total")).toBe(
        droppedBefore + dropped,
      );
      const stored = (await readEvents(target.g.log)).find(
        (event) => "callId" in event && event.callId === id && event.cpId === "FUZZ-CORPUS",
      );
      expect(stored?.type).toBe("meter.values");
      expect(stored?.type === "meter.values" && stored.payload.samples).toHaveLength(kept);
    },
  );

  it("kept the neighbour answered throughout, and left nothing behind", async () => {
    peer.destroy();
    await expectNeighbourServed(neighbour);
    await target.expectUnharmed();
  });
});
