import { validateEvent } from "@levity/events";
import { OCPP16_CP_ACTIONS, type Ocpp16Requests, ocpp16Validator } from "@levity/ocpp";
import { describe, expect, it } from "vitest";
import { EventStamper } from "../../src/events/event-stamper.js";
import type { CallContext, CallOutcome } from "../../src/protocol/call-outcome.js";
import { checkCall } from "../../src/protocol/check-call.js";
import { HANDLERS_BY_SUBPROTOCOL } from "../../src/protocol/protocol-handlers.js";

const handlers = HANDLERS_BY_SUBPROTOCOL.get("ocpp1.6");
if (!handlers) throw new Error("no 1.6 handlers");
const context: CallContext = {
  receivedAt: Date.UTC(2026, 0, 2, 3, 4, 5),
  heartbeatIntervalS: 300,
  transactionId: 42,
  idTagAccepted: (idTag) => idTag !== "BLOCKED",
};
const at = "2026-01-02T03:04:00.000Z";

/** One valid request per charge-point action. */
const requests: { [A in keyof Ocpp16Requests]: Ocpp16Requests[A] } = {
  Authorize: { idTag: "TAG-1" },
  BootNotification: {
    chargePointVendor: "ACME",
    chargePointModel: "Fast-50",
    firmwareVersion: "1.0",
  },
  DataTransfer: { vendorId: "com.acme", messageId: "x", data: "payload" },
  DiagnosticsStatusNotification: { status: "Uploaded" },
  FirmwareStatusNotification: { status: "Installed" },
  Heartbeat: {},
  MeterValues: {
    connectorId: 1,
    transactionId: 42,
    meterValue: [
      {
        timestamp: at,
        sampledValue: [{ value: "16.5", measurand: "Current.Import", unit: "A", phase: "L1" }],
      },
    ],
  },
  StartTransaction: { connectorId: 1, idTag: "TAG-1", meterStart: 1000, timestamp: at },
  StatusNotification: { connectorId: 1, errorCode: "NoError", status: "Charging", timestamp: at },
  StopTransaction: { transactionId: 42, meterStop: 5000, timestamp: at, reason: "Local" },
  SecurityEventNotification: { type: "FirmwareUpdated", timestamp: at },
  SignCertificate: { csr: "-----BEGIN CERTIFICATE REQUEST-----" },
  SignedFirmwareStatusNotification: { status: "Downloading", requestId: 3 },
  LogStatusNotification: { status: "Uploading", requestId: 4 },
};

function answer(action: string, payload: unknown, ctx: CallContext = context): CallOutcome {
  const checked = checkCall(handlers as NonNullable<typeof handlers>, action, payload);
  if (checked.kind === "error") return checked;
  return (handlers as NonNullable<typeof handlers>).handle(action, payload, ctx);
}

function resultOf(action: string, payload: unknown, ctx?: CallContext) {
  const outcome = answer(action, payload, ctx);
  if (outcome.kind !== "result") throw new Error(`${action}: ${outcome.description}`);
  return outcome;
}

const stamper = new EventStamper("gw-1", "inst");
const session = stamper.openSession("CP-1");

describe("OCPP 1.6 handlers", () => {
  it.each(OCPP16_CP_ACTIONS)(
    "answers %s with a schema-valid result and contract-valid events",
    (action) => {
      const outcome = resultOf(action, requests[action]);
      expect(ocpp16Validator.validateResponse(action, outcome.payload)).toBeUndefined();
      expect(outcome.events.length).toBeGreaterThan(0);
      for (const draft of outcome.events) {
        const event = JSON.parse(stamper.cpEvent(session, draft, context.receivedAt, "m1"));
        expect(validateEvent(event)).toEqual({ ok: true, value: event });
      }
    },
  );

  it("boots with the configured interval and the receive time", () => {
    const outcome = resultOf("BootNotification", requests.BootNotification);
    expect(outcome.payload).toEqual({
      status: "Accepted",
      currentTime: "2026-01-02T03:04:05.000Z",
      interval: 300,
    });
    expect(outcome.events).toEqual([
      { type: "cp.boot", payload: { vendor: "ACME", model: "Fast-50", firmwareVersion: "1.0" } },
    ]);
  });

  it("starts a transaction with the allocated id", () => {
    const outcome = resultOf("StartTransaction", requests.StartTransaction);
    expect(outcome.payload).toEqual({ idTagInfo: { status: "Accepted" }, transactionId: 42 });
    expect(outcome.events[0]).toEqual({
      type: "tx.started",
      payload: {
        evseId: 1,
        connectorId: 1,
        transactionId: "42",
        idTag: "TAG-1",
        meterStartWh: 1000,
        timestamp: Date.parse(at),
      },
    });
  });

  it("records a status on EVSE n, connector 1, and connector 0 as the charge point (EVSE 0)", () => {
    const outcome = resultOf("StatusNotification", {
      ...requests.StatusNotification,
      connectorId: 2,
    });
    expect(outcome.events).toEqual([
      {
        type: "cp.status",
        payload: { evseId: 2, connectorId: 1, status: "Charging", timestamp: Date.parse(at) },
      },
    ]);
    const whole = resultOf("StatusNotification", {
      ...requests.StatusNotification,
      connectorId: 0,
    });
    expect(whole.events[0]?.payload).toMatchObject({ evseId: 0, status: "Charging" });
    // Drafts are stored as JSON, which drops a field left undefined.
    expect(JSON.parse(JSON.stringify(whole.events[0]?.payload))).not.toHaveProperty("connectorId");
  });

  it("records an errorCode other than NoError as a raised fault beside the status", () => {
    const outcome = resultOf("StatusNotification", {
      connectorId: 1,
      errorCode: "GroundFailure",
      status: "Faulted",
      info: "RCD",
      vendorErrorCode: "E7",
      timestamp: at,
    });
    const detail = { info: "RCD", vendorErrorCode: "E7", timestamp: Date.parse(at) };
    expect(outcome.events).toEqual([
      { type: "cp.status", payload: { evseId: 1, connectorId: 1, status: "Faulted", ...detail } },
      {
        type: "cp.fault",
        payload: { evseId: 1, connectorId: 1, code: "GroundFailure", active: true, ...detail },
      },
    ]);
  });

  it("answers a stop for an unknown or -1 transaction", () => {
    const outcome = resultOf("StopTransaction", { transactionId: -1, meterStop: 0, timestamp: at });
    expect(outcome.payload).toEqual({ idTagInfo: { status: "Accepted" } });
    expect(outcome.events[0]).toMatchObject({
      type: "tx.stopped",
      payload: { transactionId: "-1" },
    });
  });

  it("keeps the meter values a stop carries", () => {
    const outcome = resultOf("StopTransaction", {
      transactionId: 7,
      meterStop: 9000,
      timestamp: at,
      transactionData: [
        { timestamp: at, sampledValue: [{ value: "9", unit: "kWh", context: "Transaction.End" }] },
      ],
    });
    expect(outcome.events[0]).toMatchObject({
      payload: {
        samples: [
          {
            measurand: "Energy.Active.Import.Register",
            value: 9000,
            unit: "Wh",
            context: "Transaction.End",
            timestamp: Date.parse(at),
          },
        ],
      },
    });
  });

  it("answers an idTag outside the allow list Invalid, at Authorize and at StartTransaction", () => {
    expect(resultOf("Authorize", { idTag: "BLOCKED" }).payload).toEqual({
      idTagInfo: { status: "Invalid" },
    });
    expect(resultOf("Authorize", { idTag: "BLOCKED" }).events[0]).toMatchObject({
      payload: { status: "Invalid" },
    });
    expect(
      resultOf("StartTransaction", { ...requests.StartTransaction, idTag: "BLOCKED" }).payload,
    ).toMatchObject({ idTagInfo: { status: "Invalid" }, transactionId: 42 });
  });

  it("answers DataTransfer with UnknownVendorId and SignCertificate with Rejected", () => {
    expect(resultOf("DataTransfer", requests.DataTransfer).payload).toEqual({
      status: "UnknownVendorId",
    });
    expect(resultOf("SignCertificate", requests.SignCertificate).payload).toEqual({
      status: "Rejected",
    });
  });

  it.each([
    ["StatusNotification", { connectorId: -1, errorCode: "NoError", status: "Available" }],
    ["StatusNotification", { connectorId: 70000, errorCode: "NoError", status: "Available" }],
    ["StartTransaction", { connectorId: 0, idTag: "T", meterStart: 0, timestamp: at }],
    ["MeterValues", { connectorId: -3, meterValue: [] }],
  ])("refuses %s on a connector that cannot exist", (action, payload) => {
    expect(answer(action, payload)).toMatchObject({ kind: "error", error: "property" });
  });

  it.each([
    ["BootNotification", { chargePointVendor: "", chargePointModel: "M" }],
    ["BootNotification", { chargePointVendor: "V", chargePointModel: "" }],
    ["DataTransfer", { vendorId: "" }],
    ["SecurityEventNotification", { type: "", timestamp: at }],
  ])("refuses %s naming nothing where its event needs a name", (action, payload) => {
    expect(answer(action, payload)).toMatchObject({ kind: "error", error: "property" });
  });

  it("fails internally rather than invent a transaction id", () => {
    expect(
      answer("StartTransaction", requests.StartTransaction, {
        ...context,
        transactionId: undefined,
      }),
    ).toMatchObject({ kind: "error", error: "internal" });
  });
});

describe("checkCall", () => {
  it.each([
    ["an unknown action", "Teleport", {}, "notImplemented"],
    ["a central-system action", "RemoteStartTransaction", { idTag: "x" }, "notSupported"],
    ["a missing field", "Authorize", {}, "occurrence"],
    ["a wrong type", "Authorize", { idTag: 5 }, "type"],
    ["a bad value", "Authorize", { idTag: "x".repeat(21) }, "property"],
    ["an extra field", "Heartbeat", { extra: 1 }, "formation"],
  ])("rejects %s", (_name, action, payload, error) => {
    expect(checkCall(handlers, action, payload)).toMatchObject({ kind: "error", error });
  });

  it("never echoes the payload in the description", () => {
    const secret = "s3cr3t-value-that-must-not-be-echoed";
    const outcome = checkCall(handlers, "Authorize", { idTag: secret });
    expect(outcome.kind).toBe("error");
    if (outcome.kind === "error") expect(outcome.description).not.toContain(secret);
  });

  it("asks for a transaction id only to start a transaction", () => {
    expect(checkCall(handlers, "StartTransaction", requests.StartTransaction)).toEqual({
      kind: "ready",
      needsTransactionId: true,
    });
    expect(checkCall(handlers, "Heartbeat", {})).toEqual({
      kind: "ready",
      needsTransactionId: false,
    });
  });
});
