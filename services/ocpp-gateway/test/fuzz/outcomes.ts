import { OCPP16_ERROR_CODES, OCPP201_ERROR_CODES } from "@levity/ocpp";
import { expect } from "vitest";
import type { FuzzTarget } from "./fuzz-target.js";
import type { RawPeer } from "./raw-peer.js";

/** What the gateway must do with one frame. */
export type Outcome =
  | { readonly error: string }
  | { readonly result: true }
  | { readonly ignored: "unreadable" | "unmatched-response" };

/** Every error code OCPP 1.6J defines. */
export const OCPP16_CODES: ReadonlySet<string> = new Set(Object.values(OCPP16_ERROR_CODES));

/** Every error code OCPP 2.0.1 defines. */
export const OCPP201_CODES: ReadonlySet<string> = new Set(Object.values(OCPP201_ERROR_CODES));

/** The first `count` elements of an answer (message type, id, then code or payload). */
export function head(answer: string | undefined, count = 2): unknown[] {
  const value: unknown = JSON.parse(answer ?? "null");
  return Array.isArray(value) ? value.slice(0, count) : [];
}

let sentinels = 0;

/**
 * Sends `frame`, then a sentinel CALL of an unknown action, and returns what the gateway sent
 * before answering the sentinel: all it will ever answer to `frame`, since a CALL is answered
 * after the CALLs before it and a frame that is not one is answered (or ignored) at once.
 */
export async function exchange(peer: RawPeer, frame: string | Buffer): Promise<string[]> {
  sentinels += 1;
  const sentinel = `~sentinel-${sentinels}`;
  const start = peer.texts.length;
  const answered = peer.waitFor((text) => text.startsWith(`[4,"${sentinel}",`));
  peer.sendText(frame);
  peer.sendText(`[2,"${sentinel}","FuzzSentinel",{}]`);
  return peer.texts.slice(start, await answered);
}

/** Asserts `answer` is a CALLERROR for `id` with `code` that carries nothing of the payload. */
export function expectCallError(answer: string | undefined, id: string, code: string): void {
  const [type, answeredId, errorCode, description, details] = head(answer, 5);
  expect({ type, answeredId, errorCode, details }).toEqual({
    type: 4,
    answeredId: id,
    errorCode: code,
    details: {},
  });
  expect(typeof description === "string" && description.length <= 255).toBe(true);
}

/** Sends `frame` and asserts the gateway did what `expected` says, counting what it ignores. */
export async function expectOutcome(
  target: FuzzTarget,
  peer: RawPeer,
  frame: string | Buffer,
  id: string | undefined,
  expected: Outcome,
): Promise<void> {
  const ignoredBefore = await ignoredCount(target, expected);
  const answers = await exchange(peer, frame);
  if ("ignored" in expected) {
    expect(answers).toEqual([]);
    expect(await ignoredCount(target, expected)).toBe(ignoredBefore + 1);
  } else if ("error" in expected) {
    expect(answers).toHaveLength(1);
    expectCallError(answers[0], id ?? "", expected.error);
  } else {
    expect(answers.map((answer) => head(answer))).toEqual([[3, id]]);
  }
}

function ignoredCount(target: FuzzTarget, expected: Outcome): Promise<number> {
  const reason = "ignored" in expected ? expected.ignored : "unreadable";
  return target.metric("levity_gateway_frames_ignored_total", { reason });
}
