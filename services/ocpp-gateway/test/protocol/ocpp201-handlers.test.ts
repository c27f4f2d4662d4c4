import { validateEvent } from "@levity/events";
import { OCPP201_CP_ACTIONS, type Ocpp201, ocpp201Validator } from "@levity/ocpp";
import { describe, expect, it } from "vitest";
import { EventStamper } from "../../src/events/event-stamper.js";
import type { CallContext, CallOutcome } from "../../src/protocol/call-outcome.js";
import { checkCall } from "../../src/protocol/check-call.js";
import { HANDLERS_BY_SUBPROTOCOL } from "../../src/protocol/protocol-handlers.js";

const found = HANDLERS_BY_SUBPROTOCOL.get("ocpp2.0.1");
if (!found) throw new Error("no 2.0.1 handlers");
const handlers = found;
const context: CallContext = {
  receivedAt: Date.UTC(2026, 0, 2, 3, 4, 5),
  heartbeatIntervalS: 300,
  transactionId: undefined,
  idTagAccepted: (idTag) => idTag !== "BLOCKED",
};
const at = "2026-01-02T03:04:00.000Z";
const evse = { id: 1, connectorId: 1 };
const meterValue = (value: number, extra: Partial<Ocpp201.SampledValueType> = {}) =>
  [{ timestamp: at, sampledValue: [{ value, ...extra }] }] as [Ocpp201.MeterValueType];

/** One valid request per charging-station action. */
const requests: { [A in keyof Ocpp201.Ocpp201Requests]: Ocpp201.Ocpp201Requests[A] } = {
  Authorize: { idToken: { idToken: "TAG-1", type: "ISO14443" } },
  BootNotification: {
    reason: "PowerUp",
    chargingStation: { vendorName: "ACME", model: "Fast-50", firmwareVersion: "2.0" },
  },
  ClearedChargingLimit: { chargingLimitSource: "EMS" },
  DataTransfer: { vendorId: "com.acme", messageId: "x", data: { note: "payload" } },
  FirmwareStatusNotification: { status: "Installed", requestId: 2 },
  Get15118EVCertificate: {
    iso15118SchemaVersion: "urn:iso:15118:2:2013:MsgDef",
    action: "Install",
    exiRequest: "AA",
  },
  GetCertificateStatus: {
    ocspRequestData: {
      hashAlgorithm: "SHA256",
      issuerNameHash: "a",
      issuerKeyHash: "b",
      serialNumber: "c",
      responderURL: "http://ocsp.example",
    },
  },
  Heartbeat: {},
  LogStatusNotification: { status: "Uploading", requestId: 4 },
  MeterValues: {
    evseId: 1,
    meterValue: meterValue(16.5, { measurand: "Current.Import", unitOfMeasure: { unit: "A" } }),
  },
  NotifyChargingLimit: { chargingLimit: { chargingLimitSource: "EMS" } },
  NotifyCustomerInformation: { data: "d", seqNo: 0, generatedAt: at, requestId: 1 },
  NotifyDisplayMessages: { requestId: 1 },
  NotifyEVChargingNeeds: {
    evseId: 1,
    chargingNeeds: { requestedEnergyTransfer: "AC_single_phase" },
  },
  NotifyEVChargingSchedule: {
    timeBase: at,
    evseId: 1,
    chargingSchedule: {
      id: 1,
      chargingRateUnit: "A",
      chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }],
    },
  },
  NotifyEvent: {
    generatedAt: at,
    seqNo: 0,
    eventData: [
      {
        eventId: 7,
        timestamp: at,
        trigger: "Delta",
        actualValue: "true",
        techCode: "GroundFailure",
        eventNotificationType: "HardWiredNotification",
        component: { name: "Connector", evse },
        variable: { name: "Problem" },
      },
    ],
  },
  NotifyMonitoringReport: { requestId: 1, seqNo: 0, generatedAt: at },
  NotifyReport: { requestId: 1, seqNo: 0, generatedAt: at },
  PublishFirmwareStatusNotification: { status: "Published", requestId: 1, location: ["http://x"] },
  ReportChargingProfiles: {
    requestId: 1,
    chargingLimitSource: "CSO",
    evseId: 1,
    chargingProfile: [
      {
        id: 1,
        stackLevel: 0,
        chargingProfilePurpose: "TxDefaultProfile",
        chargingProfileKind: "Absolute",
        chargingSchedule: [
          { id: 1, chargingRateUnit: "A", chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
        ],
      },
    ],
  },
  ReservationStatusUpdate: { reservationId: 1, reservationUpdateStatus: "Expired" },
  SecurityEventNotification: { type: "FirmwareUpdated", timestamp: at },
  SignCertificate: {
    csr: "-----BEGIN CERTIFICATE REQUEST-----",
    certificateType: "ChargingStationCertificate",
  },
  StatusNotification: { timestamp: at, connectorStatus: "Occupied", evseId: 1, connectorId: 1 },
  TransactionEvent: {
    eventType: "Started",
    timestamp: at,
    triggerReason: "Authorized",
    seqNo: 0,
    transactionInfo: { transactionId: "7f1c2d3e-0000-4000-8000-000000000001", remoteStartId: 9 },
    evse,
    idToken: { idToken: "TAG-1", type: "ISO14443" },
    meterValue: meterValue(1.5, { context: "Transaction.Begin", unitOfMeasure: { unit: "kWh" } }),
  },
};

function answer(action: string, payload: unknown): CallOutcome {
  const checked = checkCall(handlers, action, payload);
  if (checked.kind === "error") return checked;
  return handlers.handle(action, payload, context);
}

function resultOf(action: string, payload: unknown) {
  const outcome = answer(action, payload);
  if (outcome.kind !== "result") throw new Error(`${action}: ${outcome.description}`);
  return outcome;
}

const stamper = new EventStamper("gw-1", "inst");
const session = stamper.openSession("CS-1");

describe("OCPP 2.0.1 handlers", () => {
  it.each(OCPP201_CP_ACTIONS)(
    "answer %s with a schema-valid result and contract-valid events",
    (action) => {
      expect(ocpp201Validator.validateRequest(action, requests[action])).toBeUndefined();
      const outcome = resultOf(action, requests[action]);
      expect(ocpp201Validator.validateResponse(action, outcome.payload)).toBeUndefined();
      for (const draft of outcome.events) {
        const event = JSON.parse(stamper.cpEvent(session, draft, context.receivedAt, "m1"));
        expect(validateEvent(event)).toEqual({ ok: true, value: event });
      }
    },
  );

  it("boot with what the station says it is, and why it booted", () => {
    const outcome = resultOf("BootNotification", requests.BootNotification);
    expect(outcome.payload).toEqual({
      status: "Accepted",
      currentTime: "2026-01-02T03:04:05.000Z",
      interval: 300,
    });
    expect(outcome.events).toEqual([
      {
        type: "cp.boot",
        payload: { vendor: "ACME", model: "Fast-50", firmwareVersion: "2.0", reason: "PowerUp" },
      },
    ]);
  });

  it("start a transaction with the station's id, its EVSE, its remote start and its start register in Wh", () => {
    const outcome = resultOf("TransactionEvent", requests.TransactionEvent);
    expect(outcome.payload).toEqual({ idTokenInfo: { status: "Accepted" } });
    expect(outcome.events).toMatchObject([
      {
        type: "tx.started",
        payload: {
          evseId: 1,
          connectorId: 1,
          transactionId: "7f1c2d3e-0000-4000-8000-000000000001",
          idTag: "TAG-1",
          idTokenType: "ISO14443",
          meterStartWh: 1500,
          remoteStartId: 9,
          seqNo: 0,
          triggerReason: "Authorized",
          timestamp: Date.parse(at),
        },
      },
    ]);
  });

  it("keep an update's seqNo, offline flag and samples (the multiplier applied), and end with the stop register", () => {
    const update = resultOf("TransactionEvent", {
      eventType: "Updated",
      timestamp: at,
      triggerReason: "MeterValuePeriodic",
      seqNo: 3,
      offline: true,
      transactionInfo: { transactionId: "T-1", chargingState: "Charging" },
      meterValue: meterValue(11, {
        measurand: "Power.Active.Import",
        unitOfMeasure: { unit: "W", multiplier: 3 },
      }),
    });
    expect(update.payload).toEqual({});
    expect(update.events).toMatchObject([
      {
        type: "tx.updated",
        payload: {
          transactionId: "T-1",
          seqNo: 3,
          offline: true,
          chargingState: "Charging",
          samples: [{ measurand: "Power.Active.Import", value: 11_000, unit: "W" }],
        },
      },
    ]);
    const end = resultOf("TransactionEvent", {
      eventType: "Ended",
      timestamp: at,
      triggerReason: "EVCommunicationLost",
      seqNo: 4,
      transactionInfo: { transactionId: "T-1", stoppedReason: "EVDisconnected" },
      meterValue: meterValue(2_500, { context: "Transaction.End" }),
    });
    expect(end.events).toMatchObject([
      {
        type: "tx.stopped",
        payload: { transactionId: "T-1", meterStopWh: 2_500, reason: "EVDisconnected", seqNo: 4 },
      },
    ]);
  });

  it("keep a Started that names no EVSE as history (an update), never as a start", () => {
    const { evse: _evse, ...withoutEvse } = requests.TransactionEvent;
    const outcome = resultOf("TransactionEvent", withoutEvse);
    expect(outcome.events.map((event) => event.type)).toEqual(["tx.updated"]);
  });

  it("raise a fault from NotifyEvent's Problem, clear it, and ignore other variables", () => {
    const raised = resultOf("NotifyEvent", requests.NotifyEvent);
    expect(raised.events).toMatchObject([
      {
        type: "cp.fault",
        payload: { evseId: 1, connectorId: 1, code: "GroundFailure", active: true, eventId: 7 },
      },
    ]);
    const [data] = requests.NotifyEvent.eventData;
    const cleared = resultOf("NotifyEvent", {
      ...requests.NotifyEvent,
      eventData: [
        { ...data, actualValue: "false", cleared: true },
        { ...data, eventId: 8, variable: { name: "Temperature" }, actualValue: "40" },
      ],
    });
    expect(cleared.events).toMatchObject([
      { type: "cp.fault", payload: { code: "GroundFailure", active: false } },
    ]);
  });

  it("record a Faulted connector as its status and a fault", () => {
    const outcome = resultOf("StatusNotification", {
      ...requests.StatusNotification,
      connectorStatus: "Faulted",
    });
    expect(outcome.events).toMatchObject([
      { type: "cp.status", payload: { evseId: 1, connectorId: 1, status: "Faulted" } },
      { type: "cp.fault", payload: { evseId: 1, connectorId: 1, code: "Faulted", active: true } },
    ]);
  });

  it("keep what the fuzz suite found within the events' contract", () => {
    const valid = (action: string, payload: unknown) => {
      for (const draft of resultOf(action, payload).events) {
        const event = JSON.parse(stamper.cpEvent(session, draft, context.receivedAt, "m1"));
        expect(validateEvent(event), JSON.stringify(event)).toEqual({ ok: true, value: event });
      }
    };
    const ended = {
      eventType: "Ended",
      timestamp: at,
      triggerReason: "EVDeparted",
      seqNo: 2,
      transactionInfo: { transactionId: "T" },
      idToken: { idToken: "A", type: "ISO14443" },
    };
    valid("TransactionEvent", ended);
    expect(
      answer("TransactionEvent", { ...ended, transactionInfo: { transactionId: "" } }),
    ).toMatchObject({ kind: "error", error: "property" });
    expect(answer("TransactionEvent", { ...ended, seqNo: -1 })).toMatchObject({
      kind: "error",
      error: "property",
    });
    for (const unit of ["", "x".repeat(20)])
      valid("MeterValues", { evseId: 1, meterValue: meterValue(1, { unitOfMeasure: { unit } }) });
    const [data] = requests.NotifyEvent.eventData;
    const nameless = resultOf("NotifyEvent", {
      ...requests.NotifyEvent,
      eventData: [{ ...data, techCode: undefined, component: { name: "" } }],
    });
    expect(nameless.events).toMatchObject([{ type: "cp.fault", payload: { code: "Problem" } }]);
  });

  it("refuse EVSE and connector ids out of range, and answer the 2.0.1 error codes", () => {
    expect(
      answer("StatusNotification", { ...requests.StatusNotification, evseId: -1 }),
    ).toMatchObject({
      kind: "error",
      error: "property",
    });
    expect(answer("MeterValues", { ...requests.MeterValues, evseId: 70_000 })).toMatchObject({
      kind: "error",
      error: "property",
    });
    expect(answer("RequestStartTransaction", {})).toMatchObject({
      kind: "error",
      error: "notSupported",
    });
    expect(answer("StartTransaction", {})).toMatchObject({
      kind: "error",
      error: "notImplemented",
    });
    expect(handlers.protocol.errorCodes.occurrence).toBe("OccurrenceConstraintViolation");
  });
});
