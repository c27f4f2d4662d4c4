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
import { expectOutcome, type Outcome } from "./outcomes.js";
import { Opcode, type RawPeer } from "./raw-peer.js";

// WebSocket-level abuse: frames ws must refuse, and the largest and deepest JSON that fits.

const MAX_PAYLOAD = 65_536;
let target: FuzzTarget;
let neighbour: Neighbour;

beforeAll(async () => {
  target = await startFuzzTarget({ maxPayload: MAX_PAYLOAD });
  neighbour = target.neighbour();
});
afterAll(async () => {
  await target?.stop();
});

const text = (payload: Buffer | string) => ({ opcode: Opcode.Text, payload: Buffer.from(payload) });

/** A CALL of exactly `bytes` bytes: a DataTransfer whose data fills the rest. */
function callOfSize(id: string, bytes: number): string {
  const empty = call(id, "DataTransfer", { vendorId: "v", data: "" });
  return call(id, "DataTransfer", { vendorId: "v", data: "d".repeat(bytes - empty.length) });
}

const CLOSES: readonly (readonly [string, number, (peer: RawPeer) => void])[] = [
  [
    "a binary frame",
    1003,
    (p) => p.send({ opcode: Opcode.Binary, payload: Buffer.from([2, 0, 1]) }),
  ],
  ["invalid UTF-8 in a text frame", 1007, (p) => p.send(text(Buffer.from([0x5b, 0xff, 0x5d])))],
  ["an overlong UTF-8 encoding", 1007, (p) => p.send(text(Buffer.from([0x5b, 0xc0, 0xaf, 0x5d])))],
  [
    "a UTF-16 surrogate encoded as UTF-8",
    1007,
    (p) => p.send(text(Buffer.from([0xed, 0xa0, 0x80]))),
  ],
  [
    "a message one byte over maxPayload",
    1009,
    (p) => p.send(text(callOfSize("o1", MAX_PAYLOAD + 1))),
  ],
  [
    "a frame declaring 1 GiB, body never sent",
    1009,
    (p) => p.send({ opcode: Opcode.Text, length: 2 ** 30 }),
  ],
  ["a frame declaring 2^62 bytes", 1009, (p) => p.send({ opcode: Opcode.Text, length: 2 ** 62 })],
  [
    "fragments adding up to more than maxPayload",
    1009,
    (p) => {
      p.send({ ...text("x".repeat(40_000)), fin: false });
      p.send({ opcode: Opcode.Continuation, payload: Buffer.alloc(40_000, 0x78) });
    },
  ],
  ["an unmasked frame", 1002, (p) => p.send({ ...text("[]"), masked: false })],
  ["RSV1 without negotiated compression", 1002, (p) => p.send({ ...text("[]"), rsv1: true })],
  ["an unknown opcode", 1002, (p) => p.send({ opcode: 3, payload: Buffer.from("[]") })],
  [
    "a continuation of nothing",
    1002,
    (p) => p.send({ opcode: Opcode.Continuation, payload: Buffer.from("[]") }),
  ],
  ["a ping of 126 bytes", 1002, (p) => p.send({ opcode: Opcode.Ping, payload: Buffer.alloc(126) })],
  ["a fragmented ping", 1002, (p) => p.send({ opcode: Opcode.Ping, fin: false })],
  [
    "a close frame with code 999",
    1002,
    (p) => p.send({ opcode: Opcode.Close, payload: Buffer.from([0x03, 0xe7]) }),
  ],
];

const deepArray = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

/** A DataTransfer whose data is `levels` nested arrays, padded to the size nesting is checked from. */
const nestedData = (id: string, levels: number) =>
  `[2,"${id}","DataTransfer",{"vendorId":"v","data":${deepArray(levels)}}]`.padEnd(5_000);

const FITTING: readonly (readonly [string, string, string | undefined, Outcome])[] = [
  [
    "30,000 nested arrays (just under maxPayload)",
    deepArray(30_000),
    undefined,
    { ignored: "unreadable" },
  ],
  [
    "regression: 30,000 nested arrays in a CALL (3 ms of CPU each, now refused unparsed)",
    `[2,"n2","DataTransfer",{"vendorId":"v","data":${deepArray(30_000)}}]`,
    "n2",
    { error: "FormationViolation" },
  ],
  [
    "10,000 nested objects as an unknown field",
    `[2,"n3","Heartbeat",{"a":${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}}]`,
    "n3",
    { error: "FormationViolation" },
  ],
  [
    "30,000 nested arrays as the action",
    `[2,"n4",${deepArray(30_000)},{}]`,
    "n4",
    { error: "FormationViolation" },
  ],
  [
    "32 levels of nesting (parsed, then refused by the schema)",
    nestedData("n5", 30),
    "n5",
    { error: "TypeConstraintViolation" },
  ],
  [
    "33 levels of nesting (refused unparsed)",
    nestedData("n6", 31),
    "n6",
    { error: "FormationViolation" },
  ],
  [
    "60 KB of brackets and escaped quotes inside a string",
    call("n7", "DataTransfer", { vendorId: "v", data: '[{\\"'.repeat(7_000) }),
    "n7",
    { result: true },
  ],
  ["a CALL of exactly maxPayload bytes", callOfSize("n8", MAX_PAYLOAD), "n8", { result: true }],
];

describe("WebSocket-level abuse", () => {
  it.each(CLOSES)("closes a peer that sends %s with %i", async (_name, code, send) => {
    const closedBefore = await target.metric("levity_gateway_sessions_closed_total", {
      reason: "protocol-violation",
    });
    const peer = await target.peer("FUZZ-WS");
    send(peer);
    await peer.ended;
    expect(peer.closeCode).toBe(code);
    expect(
      await target.metric("levity_gateway_sessions_closed_total", { reason: "protocol-violation" }),
    ).toBe(closedBefore + 1);
  });

  it.each(FITTING)("answers %s without closing", async (_name, frame, id, outcome) => {
    const peer = await target.peer("FUZZ-BIG");
    await expectOutcome(target, peer, frame, id, outcome);
    await peer.close();
  });

  it("answers a ping with a pong carrying its payload", async () => {
    const peer = await target.peer("FUZZ-PING");
    peer.send({ opcode: Opcode.Ping, payload: Buffer.from("levity") });
    await eventually(() => expect(peer.pongs.map(String)).toEqual(["levity"]));
    await peer.close();
  });

  it("drops a peer that sends pings without reading the pongs as a slow consumer", async () => {
    const reason = { reason: "slow-consumer" };
    await target.settle();
    const droppedBefore = await target.metric("levity_gateway_sessions_closed_total", reason);
    const peer = await target.peer("FUZZ-PINGS");
    peer.stopReading();
    const ping = { opcode: Opcode.Ping, payload: Buffer.alloc(125, 0x70) };
    // The pongs it does not read pile up in the send buffer until its bound drops the peer.
    while (
      (await target.metric("levity_gateway_sessions_closed_total", reason)) === droppedBefore
    ) {
      for (let i = 0; i < 500; i++) peer.send(ping);
      await yieldToIo();
    }
    expect(target.g.gateway.sessions()).toBe(1);
    peer.destroy();
  });

  it("kept the neighbour answered throughout, and left nothing behind", async () => {
    await expectNeighbourServed(neighbour);
    await target.expectUnharmed();
  });
});
