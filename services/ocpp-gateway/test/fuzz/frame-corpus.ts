import type { ErrorCodeTable, RpcErrorKind } from "@levity/ocpp";
import type { VersionName } from "./fuzzed-versions.js";
import type { Outcome } from "./outcomes.js";

// Hand-made frames, each with the one answer OCPP-J asks for. An error is named by its kind, which
// each version spells its own way; SPELLINGS pins the spelling itself. Inputs that once got a wrong
// answer stay here as regressions (marked "regression").

/** The text of a CALL. */
export const call = (id: string, action: string, payload: unknown): string =>
  JSON.stringify([2, id, action, payload]);
export const at = "2026-01-02T03:04:05Z";

/** What the gateway must do with a frame, an error named by its kind. */
export type Expected =
  | { readonly error: RpcErrorKind }
  | { readonly result: true }
  | { readonly ignored: "unreadable" | "unmatched-response" };

/** Name, frame, the id an answer must carry, and the outcome. */
export type CorpusCase = readonly [string, string, string | undefined, Expected];

/** `expected` with its error kind spelled as `codes` spells it. */
export function spelled(expected: Expected, codes: ErrorCodeTable): Outcome {
  return "error" in expected ? { error: codes[expected.error] } : expected;
}

const rpcFramework = { error: "rpcFramework" } as const;
const messageType = { error: "messageType" } as const;
const formation = { error: "formation" } as const;
const occurrence = { error: "occurrence" } as const;
const type = { error: "type" } as const;
const property = { error: "property" } as const;
const notImplemented = { error: "notImplemented" } as const;
const notSupported = { error: "notSupported" } as const;
const result = { result: true } as const;
const unreadable = { ignored: "unreadable" } as const;
const unmatched = { ignored: "unmatched-response" } as const;

/** Frames every version answers alike, up to the spelling of the error. */
export const CORPUS: readonly CorpusCase[] = [
  ["an empty message", "", undefined, unreadable],
  ["text that is not JSON", "hello", undefined, unreadable],
  ["JSON null", "null", undefined, unreadable],
  ["an empty array", "[]", undefined, unreadable],
  ["a JSON object", '{"messageTypeId":2}', undefined, unreadable],
  ["a number as message id", '[2,1,"Heartbeat",{}]', undefined, unreadable],
  ["an empty message id", '[2,"","Heartbeat",{}]', undefined, unreadable],
  ["the message type as a string", '["2","t1","Heartbeat",{}]', "t1", messageType],
  ["the message type as 2.0 (the number 2)", '[2.0,"t2","Heartbeat",{}]', "t2", result],
  ["an unknown message type", '[5,"t3","Heartbeat",{}]', "t3", messageType],
  ["a negative message type", '[-2,"t4","Heartbeat",{}]', "t4", messageType],
  ["a CALL of 3 elements", '[2,"a1","Heartbeat"]', "a1", rpcFramework],
  ["a CALL of 5 elements", '[2,"a2","Heartbeat",{},{}]', "a2", rpcFramework],
  ["a null payload", '[2,"a3","Heartbeat",null]', "a3", formation],
  ["an array payload", '[2,"a4","Heartbeat",[]]', "a4", formation],
  ["a string payload", '[2,"a5","Heartbeat","{}"]', "a5", formation],
  ["an empty action", '[2,"a6","",{}]', "a6", rpcFramework],
  ["a numeric action", '[2,"a7",7,{}]', "a7", rpcFramework],
  ["broken JSON with a readable id", '[2,"a8","Heartbeat",{', "a8", rpcFramework],
  ["a byte-order mark before the frame", '\uFEFF[2,"a9","Heartbeat",{}]', "a9", rpcFramework],
  ["whitespace around the frame", ' \n[2,"a10","Heartbeat",{}]\t', "a10", result],
  ["garbage after the frame", '[2,"a11","Heartbeat",{}]x', "a11", rpcFramework],
  [
    "two frames in one message",
    '[2,"a12","Heartbeat",{}][2,"a13","Heartbeat",{}]',
    "a12",
    rpcFramework,
  ],
  ["an unknown action", call("b1", "Teleport", {}), "b1", notImplemented],
  ["an action in the wrong case", call("b2", "heartbeat", {}), "b2", notImplemented],
  ["__proto__ as action", call("b3", "__proto__", {}), "b3", notImplemented],
  ["constructor as action", call("b4", "constructor", {}), "b4", notImplemented],
  ["hasOwnProperty as action", call("b5", "hasOwnProperty", {}), "b5", notImplemented],
  ["a 10 KiB action", call("b6", "A".repeat(10_240), {}), "b6", notImplemented],
  ["a central-system action", call("b7", "Reset", { type: "Hard" }), "b7", notSupported],
  ["a missing required field", call("c1", "Authorize", {}), "c1", occurrence],
  ["an unknown field", call("c2", "Heartbeat", { x: 1 }), "c2", formation],
  ["a __proto__ field", '[2,"c3","Heartbeat",{"__proto__":{"polluted":true}}]', "c3", formation],
  ["a 10 KiB field name", call("c4", "Heartbeat", { ["k".repeat(10_240)]: 1 }), "c4", formation],
  ["an id of 36 characters", call("i".repeat(36), "Heartbeat", {}), "i".repeat(36), result],
  ["an id of 37 characters", call("j".repeat(37), "Heartbeat", {}), "j".repeat(37), rpcFramework],
  [
    "an id of 128 characters",
    call("k".repeat(128), "Heartbeat", {}),
    "k".repeat(128),
    rpcFramework,
  ],
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
    rpcFramework,
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
    "regression: an empty DataTransfer vendorId",
    call("r2", "DataTransfer", { vendorId: "" }),
    "r2",
    property,
  ],
  [
    "regression: an empty security event type",
    call("r3", "SecurityEventNotification", { type: "", timestamp: at }),
    "r3",
    property,
  ],
];

/** A 1.6 StatusNotification of `connectorId`. */
const status16 = (connectorId: unknown, status = "Available", timestamp?: string) => ({
  connectorId,
  errorCode: "NoError",
  status,
  ...(timestamp === undefined ? {} : { timestamp }),
});

/** A 2.0.1 StatusNotification of connector `connectorId` on EVSE `evseId`. */
const status201 = (
  evseId: unknown,
  connectorId: unknown,
  connectorStatus = "Available",
  timestamp = at,
) => ({ timestamp, connectorStatus, evseId, connectorId });

/** A 2.0.1 MeterValues of EVSE `evseId` with one sampled value. */
const meterValue201 = (evseId: number, value: unknown) => ({
  evseId,
  meterValue: [{ timestamp: at, sampledValue: [{ value }] }],
});

/** A 2.0.1 TransactionEvent updating transaction T, with `fields` added or replaced. */
const transactionEvent201 = (fields: Readonly<Record<string, unknown>>) => ({
  eventType: "Updated",
  timestamp: at,
  triggerReason: "MeterValuePeriodic",
  seqNo: 1,
  transactionInfo: { transactionId: "T" },
  ...fields,
});

const certificateHash = {
  hashAlgorithm: "SHA256",
  issuerNameHash: "n",
  issuerKeyHash: "k",
  serialNumber: "s",
  responderURL: "u",
};

/** Frames whose payloads only one version's schemas describe. */
export const PAYLOAD_CORPUS: Readonly<Record<VersionName, readonly CorpusCase[]>> = {
  "1.6": [
    ["a string where an integer goes", call("c5", "StatusNotification", status16("1")), "c5", type],
    [
      "a fraction where an integer goes",
      call("c6", "StatusNotification", status16(1.5)),
      "c6",
      type,
    ],
    [
      "a value outside its enum",
      call("c7", "StatusNotification", status16(1, "Asleep")),
      "c7",
      property,
    ],
    ["an over-long string", call("c8", "Authorize", { idTag: "x".repeat(21) }), "c8", property],
    [
      "a connector that cannot exist",
      call("c9", "StatusNotification", status16(1e300)),
      "c9",
      property,
    ],
    [
      "a negative connector",
      call("c10", "MeterValues", { connectorId: -1, meterValue: [] }),
      "c10",
      property,
    ],
    [
      "regression: an empty vendor",
      call("r1", "BootNotification", { chargePointVendor: "", chargePointModel: "M" }),
      "r1",
      property,
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
      property,
    ],
    [
      "regression: a date-time with offset +99:99",
      call("r5", "StatusNotification", status16(1, "Available", "2024-01-01T00:00:00+99:99")),
      "r5",
      property,
    ],
  ],
  "2.0.1": [
    [
      "a string where an integer goes",
      call("c5", "StatusNotification", status201("1", 1)),
      "c5",
      type,
    ],
    [
      "a fraction where an integer goes",
      call("c6", "StatusNotification", status201(1.5, 1)),
      "c6",
      type,
    ],
    [
      "a value outside its enum",
      call("c7", "StatusNotification", status201(1, 1, "Asleep")),
      "c7",
      property,
    ],
    [
      "an over-long string",
      call("c8", "Authorize", { idToken: { idToken: "x".repeat(37), type: "ISO14443" } }),
      "c8",
      property,
    ],
    [
      "an EVSE that cannot exist",
      call("c9", "StatusNotification", status201(65_536, 1)),
      "c9",
      property,
    ],
    ["a negative EVSE", call("c10", "MeterValues", meterValue201(-1, 1)), "c10", property],
    ["connector 0", call("c11", "StatusNotification", status201(1, 0)), "c11", property],
    [
      "a connector that cannot exist",
      call("c12", "StatusNotification", status201(1, 65_536)),
      "c12",
      property,
    ],
    [
      "no item where one is the least",
      call("c13", "MeterValues", { evseId: 1, meterValue: [] }),
      "c13",
      occurrence,
    ],
    [
      "five items where four are the most",
      call("c14", "Authorize", {
        idToken: { idToken: "T", type: "ISO14443" },
        iso15118CertificateHashData: Array.from({ length: 5 }, () => certificateHash),
      }),
      "c14",
      occurrence,
    ],
    [
      "an integer over its maximum",
      call("c15", "NotifyEVChargingNeeds", {
        evseId: 1,
        chargingNeeds: {
          requestedEnergyTransfer: "DC",
          dcChargingParameters: { evMaxCurrent: 1, evMaxVoltage: 1, stateOfCharge: 101 },
        },
      }),
      "c15",
      property,
    ],
    [
      "a boolean as a string",
      call("c16", "TransactionEvent", transactionEvent201({ offline: "true" })),
      "c16",
      type,
    ],
    ["a number as a string", call("c17", "MeterValues", meterValue201(1, "1")), "c17", type],
    [
      "customData without its vendorId",
      call("c18", "Heartbeat", { customData: {} }),
      "c18",
      occurrence,
    ],
    [
      "customData with members of its own, which its schema allows",
      call("c19", "Heartbeat", { customData: { vendorId: "V", extra: [1, { x: null }] } }),
      "c19",
      result,
    ],
    [
      "any JSON as DataTransfer data, which its schema allows",
      call("c20", "DataTransfer", { vendorId: "V", data: [{ nested: [1.5, null] }, "x"] }),
      "c20",
      result,
    ],
    [
      "a transaction event",
      call("c21", "TransactionEvent", transactionEvent201({})),
      "c21",
      result,
    ],
    [
      "an empty vendor name",
      call("c22", "BootNotification", {
        reason: "PowerUp",
        chargingStation: { vendorName: "", model: "M" },
      }),
      "c22",
      property,
    ],
    [
      "an empty model",
      call("c23", "BootNotification", {
        reason: "PowerUp",
        chargingStation: { vendorName: "V", model: "" },
      }),
      "c23",
      property,
    ],
    [
      "a date-time naming no instant",
      call("c24", "StatusNotification", status201(1, 1, "Available", "2024-19-39T29:59:59Z")),
      "c24",
      property,
    ],
    [
      "a date-time with offset +99:99",
      call("c25", "StatusNotification", status201(1, 1, "Available", "2024-01-01T00:00:00+99:99")),
      "c25",
      property,
    ],
  ],
};

/** Frames each version answers with its own code for the same fault: the codes as on the wire. */
export const SPELLINGS: readonly (readonly [
  string,
  string,
  string,
  Readonly<Record<VersionName, string>>,
])[] = [
  [
    "a payload that is not an object",
    '[2,"s1","Heartbeat",[]]',
    "s1",
    { "1.6": "FormationViolation", "2.0.1": "FormatViolation" },
  ],
  [
    "a message type OCPP-J lacks",
    '[7,"s2","Heartbeat",{}]',
    "s2",
    { "1.6": "FormationViolation", "2.0.1": "MessageTypeNotSupported" },
  ],
  [
    "broken JSON with a readable id",
    '[2,"s3","Heartbeat",{',
    "s3",
    { "1.6": "FormationViolation", "2.0.1": "RpcFrameworkError" },
  ],
  [
    "a CALL without its payload",
    '[2,"s4","Heartbeat"]',
    "s4",
    { "1.6": "FormationViolation", "2.0.1": "RpcFrameworkError" },
  ],
  [
    "an unknown field",
    call("s5", "Heartbeat", { x: 1 }),
    "s5",
    { "1.6": "FormationViolation", "2.0.1": "FormatViolation" },
  ],
  [
    "a missing required field",
    call("s6", "DataTransfer", {}),
    "s6",
    { "1.6": "OccurenceConstraintViolation", "2.0.1": "OccurrenceConstraintViolation" },
  ],
  [
    "a number where a string goes",
    call("s7", "DataTransfer", { vendorId: 7 }),
    "s7",
    { "1.6": "TypeConstraintViolation", "2.0.1": "TypeConstraintViolation" },
  ],
  [
    "a string over its maximum length",
    call("s8", "DataTransfer", { vendorId: "v".repeat(256) }),
    "s8",
    { "1.6": "PropertyConstraintViolation", "2.0.1": "PropertyConstraintViolation" },
  ],
  [
    "an unknown action",
    call("s9", "Teleport", {}),
    "s9",
    { "1.6": "NotImplemented", "2.0.1": "NotImplemented" },
  ],
  [
    "an action only the central system sends",
    call("s10", "Reset", { type: "Hard" }),
    "s10",
    { "1.6": "NotSupported", "2.0.1": "NotSupported" },
  ],
];
