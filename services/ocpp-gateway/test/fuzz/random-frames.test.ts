import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectNeighbourServed, type FuzzTarget, startFuzzTarget } from "./fuzz-target.js";
import { type FuzzedVersion, VERSIONS } from "./fuzzed-versions.js";
import { exchange, expectCallError, head } from "./outcomes.js";
import type { RawPeer } from "./raw-peer.js";

// Property-based: frames no schema describes. Whatever arrives, the gateway answers at most once,
// only a CALL, only with its own id, never with more than a bounded error of the peer's version,
// and counts the rest.

let target: FuzzTarget;

beforeAll(async () => {
  target = await startFuzzTarget();
});
afterAll(async () => {
  await target?.stop();
});

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function ignoredTotal(): Promise<number> {
  const name = "levity_gateway_frames_ignored_total";
  return (
    (await target.metric(name, { reason: "unreadable" })) +
    (await target.metric(name, { reason: "unmatched-response" }))
  );
}

/** Sends `text` and asserts the one invariant every frame must keep in `version`. */
async function expectSaneAnswer(
  version: FuzzedVersion,
  peer: RawPeer,
  text: string,
): Promise<void> {
  const sent = Buffer.from(text).toString();
  const ignoredBefore = await ignoredTotal();
  const answers = await exchange(peer, sent);
  const frame = parsed(sent);
  const [type, id] = Array.isArray(frame) ? frame : [];
  expect(answers.length).toBeLessThanOrEqual(1);
  if (type === 3 || type === 4) expect(answers).toEqual([]);
  if (type === 2 && typeof id === "string" && id.length > 0 && id.length <= 36)
    expect(answers).toHaveLength(1);
  const [answer] = answers;
  if (answer === undefined) {
    expect(await ignoredTotal()).toBe(ignoredBefore + 1);
    return;
  }
  const [answerType, answeredId, code] = head(answer, 3);
  // The id is the frame's own, or (from text that is not JSON) read from its first characters.
  if (frame === undefined) expect(sent).toContain(`"${String(answeredId)}"`);
  else expect(answeredId).toBe(id);
  if (answerType === 3) return;
  expect(version.codes.has(String(code))).toBe(true);
  expectCallError(answer, String(answeredId), String(code));
}

const messageIdish = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ minLength: 120, maxLength: 140 }),
  fc.jsonValue({ maxDepth: 1 }),
);

/** Arrays shaped like OCPP-J frames: a message type (or not), an id (or not), then anything. */
function frameShaped(version: FuzzedVersion): fc.Arbitrary<string> {
  const actionName = fc.oneof(
    fc.constantFrom(...version.chargePointActions, ...version.centralSystemActions),
    fc.string({ maxLength: 80 }),
    fc.jsonValue({ maxDepth: 1 }),
  );
  return fc
    .tuple(
      fc.oneof(
        fc.constantFrom(2, 3, 4),
        fc.integer({ min: -1, max: 9 }),
        fc.jsonValue({ maxDepth: 1 }),
      ),
      messageIdish,
      fc.array(fc.oneof(actionName, fc.jsonValue({ maxDepth: 3 })), { maxLength: 4 }),
    )
    .map(([type, id, rest]) => JSON.stringify([type, id, ...rest]));
}

/** A valid frame's text with a few characters cut, replaced or inserted. */
function mutatedText(version: FuzzedVersion): fc.Arbitrary<string> {
  const validFrame = fc
    .tuple(
      fc.string({ minLength: 1, maxLength: 36 }),
      fc.constantFrom(...version.chargePointActions),
    )
    .map(([id, action]) => JSON.stringify([2, id, action, {}]));
  return fc
    .tuple(validFrame, fc.nat(), fc.nat({ max: 4 }), fc.string({ maxLength: 4, unit: "binary" }))
    .map(([text, at, cut, insert]) => {
      const position = at % (text.length + 1);
      return text.slice(0, position) + insert + text.slice(position + cut);
    });
}

describe.each(VERSIONS)("random frames to a $name peer", (version) => {
  it.each([
    ["any JSON value", fc.jsonValue().map((value) => JSON.stringify(value) ?? "null"), 300],
    ["arrays shaped like frames", frameShaped(version), 500],
    ["any string", fc.oneof(fc.string(), fc.string({ unit: "binary", maxLength: 300 })), 300],
    ["valid frames with characters cut, replaced or inserted", mutatedText(version), 500],
  ] as const)(
    `answers %s at most once, with the frame's own id and a ${version.name} code, or ignores and counts it`,
    async (_name, frames, numRuns) => {
      const neighbour = target.neighbour();
      const peer = await target.peer(`FUZZ-RANDOM-${version.name}`, version.protocol.subprotocol);
      await fc.assert(
        fc.asyncProperty(frames, (text) => expectSaneAnswer(version, peer, text)),
        { numRuns },
      );
      peer.destroy();
      await expectNeighbourServed(neighbour);
      await target.expectUnharmed();
    },
  );
});
