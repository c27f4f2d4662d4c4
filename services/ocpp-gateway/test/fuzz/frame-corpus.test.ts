import { readEvents } from "@levity/events/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { at, CORPUS, call, PAYLOAD_CORPUS, SPELLINGS, spelled } from "./frame-corpus.js";
import {
  expectNeighbourServed,
  type FuzzTarget,
  type Neighbour,
  startFuzzTarget,
} from "./fuzz-target.js";
import { VERSIONS, type VersionName } from "./fuzzed-versions.js";
import { exchange, expectCallError, expectOutcome, head } from "./outcomes.js";
import type { RawPeer } from "./raw-peer.js";

// The hand-made corpus (frame-corpus.ts) sent by a peer of each version, then inputs whose answer
// needs more than one look.

let target: FuzzTarget;
let neighbour: Neighbour;
const peers = new Map<VersionName, RawPeer>();

const identity = (version: VersionName) => `FUZZ-CORPUS-${version}`;

beforeAll(async () => {
  target = await startFuzzTarget();
  for (const { name, protocol } of VERSIONS)
    peers.set(name, await target.peer(identity(name), protocol.subprotocol));
  neighbour = target.neighbour();
});
afterAll(async () => {
  for (const peer of peers.values()) peer.destroy();
  await target?.stop();
});

function peerOf(version: VersionName): RawPeer {
  const peer = peers.get(version);
  if (!peer) throw new Error(`no ${version} peer`);
  return peer;
}

/** An Authorize of `idTag` in each version's shape. */
const AUTHORIZE: Readonly<Record<VersionName, (idTag: string) => object>> = {
  "1.6": (idTag) => ({ idTag }),
  "2.0.1": (idTag) => ({ idToken: { idToken: idTag, type: "ISO14443" } }),
};

/** A MeterValues of `sampledValue` on connector (1.6) or EVSE (2.0.1) 1, in each version's shape. */
const METER_VALUES: Readonly<Record<VersionName, (sampledValue: readonly object[]) => object>> = {
  "1.6": (sampledValue) => ({ connectorId: 1, meterValue: [{ timestamp: at, sampledValue }] }),
  "2.0.1": (sampledValue) => ({ evseId: 1, meterValue: [{ timestamp: at, sampledValue }] }),
};

/** Sampled values that overflow, in each version's shape: 1.6 sends text, 2.0.1 numbers. */
const OVERFLOWING: Readonly<
  Record<VersionName, readonly (readonly [string, string, string, number, number])[]>
> = {
  "1.6": [
    [
      "regression: a sampled value beyond a double",
      "s1",
      call("s1", "MeterValues", METER_VALUES["1.6"]([{ value: "1e400" }])),
      0,
      1,
    ],
    [
      "regression: a kWh value that overflows in Wh",
      "s2",
      call("s2", "MeterValues", METER_VALUES["1.6"]([{ value: "1e308", unit: "kWh" }])),
      0,
      1,
    ],
  ],
  "2.0.1": [
    [
      // JSON.stringify cannot write 1e400: JSON.parse reads it as Infinity, which the schema's
      // "number" lets through.
      "a sampled value beyond a double",
      "s1",
      call("s1", "MeterValues", METER_VALUES["2.0.1"]([{ value: 0 }])).replace(
        '"value":0',
        '"value":1e400',
      ),
      0,
      1,
    ],
    [
      "a kWh value that overflows in Wh",
      "s2",
      call(
        "s2",
        "MeterValues",
        METER_VALUES["2.0.1"]([{ value: 1e308, unitOfMeasure: { unit: "kWh" } }]),
      ),
      0,
      1,
    ],
    [
      "a multiplier that overflows",
      "s4",
      call(
        "s4",
        "MeterValues",
        METER_VALUES["2.0.1"]([{ value: 1, unitOfMeasure: { multiplier: 400 } }]),
      ),
      0,
      1,
    ],
  ],
};

const MANY_SAMPLES: Readonly<Record<VersionName, object>> = {
  "1.6": { value: "1" },
  "2.0.1": { value: 1 },
};

describe.each(VERSIONS)("the frame corpus sent by a $name peer", ({ name, protocol }) => {
  it.each([...CORPUS, ...PAYLOAD_CORPUS[name]])(
    `answers %s as OCPP ${name} asks`,
    async (_name, frame, id, expected) => {
      await expectOutcome(target, peerOf(name), frame, id, spelled(expected, protocol.errorCodes));
    },
  );

  it.each(SPELLINGS)(`spells the answer to %s as ${name} does`, async (_name, frame, id, codes) => {
    const answers = await exchange(peerOf(name), frame);
    expect(answers).toHaveLength(1);
    expectCallError(answers[0], id, codes[name]);
  });

  it("never echoes a payload value in an error", async () => {
    const secret = "s3cr3t-TAG-value-never-echoed-in-any-answer";
    const [answer] = await exchange(peerOf(name), call("e1", "Authorize", AUTHORIZE[name](secret)));
    expect(answer).toMatch(/^\[4,"e1","PropertyConstraintViolation",/);
    expect(answer).not.toContain(secret);
  });

  it("answers duplicate ids in order, each with its own answer", async () => {
    // The second is sent while the first waits for its events to be stored.
    peerOf(name).sendText(call("dup", "Heartbeat", {}));
    const answers = await exchange(peerOf(name), call("dup", "Heartbeat", {}));
    expect(answers.map((answer) => head(answer))).toEqual([
      [3, "dup"],
      [3, "dup"],
    ]);
  });

  it.each([
    ...OVERFLOWING[name],
    [
      "regression: 2,100 sampled values in one call",
      "s3",
      call(
        "s3",
        "MeterValues",
        METER_VALUES[name](Array.from({ length: 2_100 }, () => MANY_SAMPLES[name])),
      ),
      2_000,
      100,
    ] as const,
  ])(
    "accepts %s, storing what the contract allows and counting the rest",
    async (_name, id, frame, kept, dropped) => {
      const droppedBefore = await target.metric("levity_gateway_samples_dropped_total");
      await target.newViolations();
      const [answer] = await exchange(peerOf(name), frame);
      expect(head(answer)).toEqual([3, id]);
      expect(await target.newViolations()).toEqual([]);
      expect(await target.metric("levity_gateway_samples_dropped_total")).toBe(
        droppedBefore + dropped,
      );
      const stored = (await readEvents(target.g.log)).find(
        (event) => "callId" in event && event.callId === id && event.cpId === identity(name),
      );
      expect(stored?.type).toBe("meter.values");
      expect(stored?.type === "meter.values" && stored.payload.samples).toHaveLength(kept);
    },
  );
});

describe("after the corpus", () => {
  it("lets no __proto__ field reach the prototype of objects", () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("kept the neighbour answered throughout, and left nothing behind", async () => {
    for (const peer of peers.values()) peer.destroy();
    await expectNeighbourServed(neighbour);
    await target.expectUnharmed();
  });
});
