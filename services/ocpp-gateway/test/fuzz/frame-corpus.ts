import type { Outcome } from "./outcomes.js";

// Hand-made frames, each with the one answer OCPP 1.6J asks for. Inputs that once got a wrong
// answer stay here as regressions (marked "regression").

/** The text of a CALL. */
export const call = (id: string, action: string, payload: unknown): string =>
  JSON.stringify([2, id, action, payload]);
export const at = "2026-01-02T03:04:05Z";
const formation = { error: "FormationViolation" } as const;
const result = { result: true } as const;
const unreadable = { ignored: "unreadable" } as const;
const unmatched = { ignored: "unmatched-response" } as const;

/** Name, frame, the id an answer must carry, and the outcome. */
export const CORPUS: readonly (readonly [string, string, string | undefined, Outcome])[] = [
  ["an empty message", "", undefined, unreadable],
  ["text that is not JSON", "hello", undefined, unreadable],
  ["JSON null", "null", undefined, unreadable],
  ["an empty array", "[]", undefined, unreadable],
  ["a JSON object", '{"messageTypeId":2}', undefined, unreadable],
  ["a number as message id", '[2,1,"Heartbeat",{}]', undefined, unreadable],
  ["an empty message id", '[2,"","Heartbeat",{}]', undefined, unreadable],
  ["the message type as a string", '["2","t1","Heartbeat",{}]', "t1", formation],
  ["the message type as 2.0 (the number 2)", '[2.0,"t2","Heartbeat",{}]', "t2", result],
  ["an unknown message type", '[5,"t3","Heartbeat",{}]', "t3", formation],
  ["a negative message type", '[-2,"t4","Heartbeat",{}]', "t4", formation],
  ["a CALL of 3 elements", '[2,"a1","Heartbeat"]', "a1", formation],
  ["a CALL of 5 elements", '[2,"a2","Heartbeat",{},{}]', "a2", formation],
  ["a null payload", '[2,"a3","Heartbeat",null]', "a3", formation],
  ["an array payload", '[2,"a4","Heartbeat",[]]', "a4", formation],
  ["a string payload", '[2,"a5","Heartbeat","{}"]', "a5", formation],
  ["an empty action", '[2,"a6","",{}]', "a6", formation],
  ["a numeric action", '[2,"a7",7,{}]', "a7", formation],
  ["broken JSON with a readable id", '[2,"a8","Heartbeat",{', "a8", formation],
  ["a byte-order mark before the frame", '\uFEFF[2,"a9","Heartbeat",{}]', "a9", formation],
  ["whitespace around the frame", ' \n[2,"a10","Heartbeat",{}]\t', "a10", result],
  ["garbage after the frame", '[2,"a11","Heartbeat",{}]x', "a11", formation],
  [
    "two frames in one message",
    '[2,"a12","Heartbeat",{}][2,"a13","Heartbeat",{}]',
    "a12",
    formation,
  ],
  ["an unknown action", call("b1", "Teleport", {}), "b1", { error: "NotImplemented" }],
  ["an action in the wrong case", call("b2", "heartbeat", {}), "b2", { error: "NotImplemented" }],
  ["__proto__ as action", call("b3", "__proto__", {}), "b3", { error: "NotImplemented" }],
  ["constructor as action", call("b4", "constructor", {}), "b4", { error: "NotImplemented" }],
  ["hasOwnProperty as action", call("b5", "hasOwnProperty", {}), "b5", { error: "NotImplemented" }],
  ["a 10 KiB action", call("b6", "A".repeat(10_240), {}), "b6", { error: "NotImplemented" }],
  [
    "a central-system action",
    call("b7", "Reset", { type: "Hard" }),
    "b7",
    { error: "NotSupported" },
  ],
  [
    "a missing required field",
    call("c1", "Authorize", {}),
    "c1",
    { error: "OccurenceConstraintViolation" },
  ],
  ["an unknown field", call("c2", "Heartbeat", { x: 1 }), "c2", formation],
  ["a __proto__ field", '[2,"c3","Heartbeat",{"__proto__":{"polluted":true}}]', "c3", formation],
  ["a 10 KiB field name", call("c4", "Heartbeat", { ["k".repeat(10_240)]: 1 }), "c4", formation],
  [
    "a string where an integer goes",
    call("c5", "StatusNotification", {
      connectorId: "1",
      errorCode: "NoError",
      status: "Available",
    }),
    "c5",
    { error: "TypeConstraintViolation" },
  ],
  [
    "a fraction where an integer goes",
    call("c6", "StatusNotification", {
      connectorId: 1.5,
      errorCode: "NoError",
      status: "Available",
    }),
    "c6",
    { error: "TypeConstraintViolation" },
  ],
  [
    "a value outside its enum",
    call("c7", "StatusNotification", { connectorId: 1, errorCode: "NoError", status: "Asleep" }),
    "c7",
    { error: "PropertyConstraintViolation" },
  ],
  [
    "an over-long string",
    call("c8", "Authorize", { idTag: "x".repeat(21) }),
    "c8",
    { error: "PropertyConstraintViolation" },
  ],
  [
    "a connector that cannot exist",
    call("c9", "StatusNotification", {
      connectorId: 1e300,
      errorCode: "NoError",
      status: "Available",
    }),
    "c9",
    { error: "PropertyConstraintViolation" },
  ],
  [
    "a negative connector",
    call("c10", "MeterValues", { connectorId: -1, meterValue: [] }),
    "c10",
    { error: "PropertyConstraintViolation" },
  ],
  ["an id of 36 characters", call("i".repeat(36), "Heartbeat", {}), "i".repeat(36), result],
  ["an id of 37 characters", call("j".repeat(37), "Heartbeat", {}), "j".repeat(37), formation],
  ["an id of 128 characters", call("k".repeat(128), "Heartbeat", {}), "k".repeat(128), formation],
  ["an id of 129 characters", call("l".repeat(129), "Heartbeat", {}), undefined, unreadable],
  ["an id of 10 KiB", call("m".repeat(10_240), "Heartbeat", {}), undefined, unreadable],
  [
    "an id of quotes, backslashes and controls",
    call('"\\\n\u0000', "Heartbeat", {}),
    '"\\\n\u0000',
    result,
  ],
  [
    "an id of 20 emoji (40 UTF-16 units)",
    call("😀".repeat(20), "Heartbeat", {}),
    "😀".repeat(20),
    formation,
  ],
  ["a CALLRESULT for an unknown id", '[3,"nope",{}]', undefined, unmatched],
  ["a CALLERROR for an unknown id", '[4,"nope","GenericError","",{}]', undefined, unmatched],
  ["regression: a CALLRESULT of 4 elements", '[3,"x",{},1]', undefined, unreadable],
  ["regression: a CALLERROR without details", '[4,"x","GenericError","d"]', undefined, unreadable],
  ["regression: broken JSON of a CALLRESULT", '[3,"abc",{', undefined, unreadable],
  [
    "regression: a CALLRESULT with an id of 37 characters",
    `[3,"${"n".repeat(37)}",{}]`,
    undefined,
    unreadable,
  ],
  [
    "regression: an empty vendor",
    call("r1", "BootNotification", { chargePointVendor: "", chargePointModel: "M" }),
    "r1",
    { error: "PropertyConstraintViolation" },
  ],
  [
    "regression: an empty DataTransfer vendorId",
    call("r2", "DataTransfer", { vendorId: "" }),
    "r2",
    { error: "PropertyConstraintViolation" },
  ],
  [
    "regression: an empty security event type",
    call("r3", "SecurityEventNotification", { type: "", timestamp: at }),
    "r3",
    { error: "PropertyConstraintViolation" },
  ],
  [
    "regression: a date-time naming no instant",
    call("r4", "StartTransaction", {
      connectorId: 1,
      idTag: "T",
      meterStart: 0,
      timestamp: "2024-19-39T29:59:59Z",
    }),
    "r4",
    { error: "PropertyConstraintViolation" },
  ],
  [
    "regression: a date-time with offset +99:99",
    call("r5", "StatusNotification", {
      connectorId: 1,
      errorCode: "NoError",
      status: "Available",
      timestamp: "2024-01-01T00:00:00+99:99",
    }),
    "r5",
    { error: "PropertyConstraintViolation" },
  ],
];
