import { describe, expect, it } from "vitest";
import { callErrorFrame, callFrame, callResultFrame, parseFrame } from "../src/index.js";

describe("parseFrame", () => {
  it("reads the three OCPP-J message types", () => {
    expect(parseFrame('[2,"1","Heartbeat",{}]')).toEqual({
      ok: true,
      frame: { kind: "call", messageId: "1", action: "Heartbeat", payload: {} },
    });
    expect(parseFrame('[3,"1",{"currentTime":"x"}]')).toEqual({
      ok: true,
      frame: { kind: "result", messageId: "1", payload: { currentTime: "x" } },
    });
    expect(parseFrame('[4,"1","NotImplemented","nope",{}]')).toEqual({
      ok: true,
      frame: {
        kind: "error",
        messageId: "1",
        errorCode: "NotImplemented",
        description: "nope",
        details: {},
      },
    });
  });

  it.each([
    ["not JSON at all", "hello", undefined, "rpcFramework"],
    ["broken JSON whose id can be read", '[2,"abc","Heartbeat",{', "abc", "rpcFramework"],
    ["an object instead of an array", '{"a":1}', undefined, "rpcFramework"],
    ["a number id", '[2,1,"Heartbeat",{}]', undefined, "rpcFramework"],
    ["an empty id", '[2,"","Heartbeat",{}]', undefined, "rpcFramework"],
    ["a CALL with 3 elements", '[2,"x","Heartbeat"]', "x", "rpcFramework"],
    ["a CALL with an array payload", '[2,"x","Heartbeat",[]]', "x", "formation"],
    ["a CALL with a null payload", '[2,"x","Heartbeat",null]', "x", "formation"],
    ["a CALL with a numeric action", '[2,"x",7,{}]', "x", "rpcFramework"],
    ["an unknown message type", '[9,"x","Heartbeat",{}]', "x", "messageType"],
    ["a CALLRESULTERROR (a 2.1 message type)", '[5,"x","GenericError","d",{}]', "x", "messageType"],
    [
      "a CALLERROR missing details, never answered",
      '[4,"x","GenericError","d"]',
      undefined,
      "rpcFramework",
    ],
    ["a CALLRESULT with extra elements, never answered", '[3,"x",{},1]', undefined, "rpcFramework"],
    ["broken JSON of a CALLRESULT, never answered", '[3,"abc",{', undefined, "rpcFramework"],
    [
      "a CALLRESULT with an id of 37 characters",
      `[3,"${"a".repeat(37)}",{}]`,
      undefined,
      "rpcFramework",
    ],
    [
      "an id of 37 characters",
      `[2,"${"a".repeat(37)}","Heartbeat",{}]`,
      "a".repeat(37),
      "rpcFramework",
    ],
    [
      "an id far too long to echo",
      `[2,"${"a".repeat(500)}","Heartbeat",{}]`,
      undefined,
      "rpcFramework",
    ],
  ])("rejects %s", (_name, text, messageId, kind) => {
    const parsed = parseFrame(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.violation).toMatchObject({ messageId, kind });
  });

  it("refuses JSON nested deeper than 32 levels unparsed, still reading a CALL's id", () => {
    const deep = `[2,"deep","DataTransfer",{"vendorId":"v","data":${"[".repeat(3_000)}${"]".repeat(3_000)}}]`;
    expect(parseFrame(deep)).toEqual({
      ok: false,
      violation: {
        kind: "rpcFramework",
        messageId: "deep",
        reason: "message is nested deeper than 32 levels",
      },
    });
    expect(parseFrame("[".repeat(3_000) + "]".repeat(3_000))).toMatchObject({
      violation: { messageId: undefined, reason: "message is nested deeper than 32 levels" },
    });
  });

  it("does not count brackets inside strings, escaped quotes included", () => {
    const data = '\\"[{'.repeat(2_000);
    const text = `[2,"s","DataTransfer",{"vendorId":"v","data":"${data}"}]`;
    expect(parseFrame(text)).toMatchObject({ ok: true, frame: { kind: "call", messageId: "s" } });
  });

  it("accepts an id of exactly 36 characters", () => {
    const id = "b".repeat(36);
    expect(parseFrame(`[2,"${id}","Heartbeat",{}]`).ok).toBe(true);
  });
});

describe("frame serialisation", () => {
  it("writes frames that parse back", () => {
    expect(parseFrame(callFrame("7", "Reset", { type: "Soft" }))).toMatchObject({
      ok: true,
      frame: { kind: "call", action: "Reset" },
    });
    expect(callResultFrame("7", { status: "Accepted" })).toBe('[3,"7",{"status":"Accepted"}]');
    expect(callErrorFrame("7", "NotImplemented", "unknown action")).toBe(
      '[4,"7","NotImplemented","unknown action",{}]',
    );
  });

  it("bounds the error description", () => {
    const frame = JSON.parse(callErrorFrame("7", "GenericError", "x".repeat(1000)));
    expect(frame[3]).toHaveLength(255);
  });
});
