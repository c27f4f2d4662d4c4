import { Type } from "@sinclair/typebox";
import { CLOSE_REASONS } from "./close-reasons.js";
import { COMMAND_FAILURES } from "./command-failures.js";
import { EpochMs, EvseConnectorId, EvseId, NonEmptyText, Text } from "./fields.js";

// Payloads are version-agnostic: OCPP 1.6 and 2.0.1 messages both map onto them.
// Values are in SI base units (W, Wh, A, V) and times in unix milliseconds.

export const SessionOpenedPayload = Type.Object(
  {
    protocol: NonEmptyText(32),
    /** The instance of the gateway process holding the socket: its restart ends the session. */
    instance: NonEmptyText(64),
    remoteAddress: Type.Optional(Text(64)),
  },
  { additionalProperties: false },
);

export const SessionClosedPayload = Type.Object(
  {
    reason: Type.Union(CLOSE_REASONS.map((r) => Type.Literal(r))),
    code: Type.Optional(Type.Integer({ minimum: 0, maximum: 4999 })),
  },
  { additionalProperties: false },
);

export const BootPayload = Type.Object(
  {
    vendor: NonEmptyText(50),
    model: NonEmptyText(50),
    serialNumber: Type.Optional(Text(50)),
    chargeBoxSerialNumber: Type.Optional(Text(50)),
    firmwareVersion: Type.Optional(Text(50)),
    iccid: Type.Optional(Text(20)),
    imsi: Type.Optional(Text(20)),
    meterType: Type.Optional(Text(50)),
    meterSerialNumber: Type.Optional(Text(50)),
    reason: Type.Optional(Text(32)),
  },
  { additionalProperties: false },
);

export const HeartbeatPayload = Type.Object({}, { additionalProperties: false });

/**
 * Where on a charge point a fact happened. OCPP 2.0.1 names an EVSE and a connector on it; a 1.6
 * connector n is EVSE n, connector 1, and 1.6's connector 0 is EVSE 0, no connector: the charge
 * point as a whole.
 */
const Location = {
  evseId: EvseId,
  /** Absent when the fact is about the whole EVSE (or, with EVSE 0, the whole charge point). */
  connectorId: Type.Optional(EvseConnectorId),
};

/** Where a transaction runs: its EVSE, known from its start (2.0.1 names it only in the first event). */
const TransactionLocation = {
  evseId: Type.Optional(EvseId),
  connectorId: Type.Optional(EvseConnectorId),
};

/** Where a transaction event stands in the charge point's sequence, and whether it was queued offline. */
const TransactionSequence = {
  /** 2.0.1's `seqNo`: per transaction (its start is 0), so duplicates and gaps show. */
  seqNo: Type.Optional(Type.Integer({ minimum: 0 })),
  /** Sent after the charge point was offline: history, not the live state. */
  offline: Type.Optional(Type.Boolean()),
  /** 2.0.1's `triggerReason`: what made the charge point send it. */
  triggerReason: Type.Optional(Text(32)),
};

/** The status of an EVSE or connector; a fault it reports is its own `cp.fault` event. */
export const StatusPayload = Type.Object(
  {
    ...Location,
    status: NonEmptyText(32),
    info: Type.Optional(Text()),
    vendorId: Type.Optional(Text()),
    vendorErrorCode: Type.Optional(Text()),
    timestamp: Type.Optional(EpochMs),
  },
  { additionalProperties: false },
);

/**
 * A fault raised or cleared: 1.6's StatusNotification `errorCode` other than NoError, 2.0.1's
 * NotifyEvent of a problem and its StatusNotification `Faulted`.
 */
export const FaultPayload = Type.Object(
  {
    ...Location,
    /** 1.6's errorCode, or what names the 2.0.1 problem (its techCode, or component and variable). */
    code: NonEmptyText(50),
    /** False when the charge point reports the fault cleared. */
    active: Type.Boolean(),
    info: Type.Optional(Text()),
    vendorId: Type.Optional(Text()),
    vendorErrorCode: Type.Optional(Text()),
    /** 2.0.1's NotifyEvent `eventId`, which ties a clear to the fault it clears. */
    eventId: Type.Optional(Type.Integer()),
    timestamp: Type.Optional(EpochMs),
  },
  { additionalProperties: false },
);

export const MeterSample = Type.Object(
  {
    timestamp: EpochMs,
    measurand: NonEmptyText(64),
    value: Type.Number(),
    /** 1.6's unit enum, or 2.0.1's free unit text (up to 20 characters). */
    unit: NonEmptyText(20),
    phase: Type.Optional(Text(8)),
    context: Type.Optional(Text(32)),
    location: Type.Optional(Text(16)),
  },
  { additionalProperties: false },
);

const Samples = Type.Array(MeterSample, { maxItems: 2000 });

export const TransactionStartedPayload = Type.Object(
  {
    ...Location,
    /** 1.6's integer id as text, or 2.0.1's charger-made id (up to 36 characters). */
    transactionId: NonEmptyText(64),
    /** Who started it; 2.0.1 may start a transaction before anyone identified. */
    idTag: Type.Optional(Text(64)),
    /** 2.0.1's IdTokenType (ISO14443, eMAID, Central, …). */
    idTokenType: Type.Optional(Text(32)),
    meterStartWh: Type.Optional(Type.Number()),
    timestamp: EpochMs,
    reservationId: Type.Optional(Type.Integer()),
    /** The id of the RequestStartTransaction command that started it. */
    remoteStartId: Type.Optional(Type.Integer()),
    /** Meter values the charge point attached to its start (2.0.1's meterValue). */
    samples: Type.Optional(Samples),
    ...TransactionSequence,
  },
  { additionalProperties: false },
);

/** 2.0.1's TransactionEvent `Updated`: a transaction going on, with what it measured. */
export const TransactionUpdatedPayload = Type.Object(
  {
    transactionId: NonEmptyText(64),
    ...TransactionLocation,
    timestamp: EpochMs,
    /** 2.0.1's chargingState (Charging, SuspendedEV, …) when it changed. */
    chargingState: Type.Optional(Text(32)),
    idTag: Type.Optional(Text(64)),
    idTokenType: Type.Optional(Text(32)),
    remoteStartId: Type.Optional(Type.Integer()),
    samples: Type.Optional(Samples),
    ...TransactionSequence,
  },
  { additionalProperties: false },
);

export const TransactionStoppedPayload = Type.Object(
  {
    transactionId: NonEmptyText(64),
    ...TransactionLocation,
    meterStopWh: Type.Optional(Type.Number()),
    timestamp: EpochMs,
    reason: Type.Optional(Text(32)),
    idTag: Type.Optional(Text(64)),
    idTokenType: Type.Optional(Text(32)),
    /** Meter values the charge point attached to its stop (1.6 transactionData, 2.0.1 meterValue). */
    samples: Type.Optional(Samples),
    ...TransactionSequence,
  },
  { additionalProperties: false },
);

export const MeterValuesPayload = Type.Object(
  {
    ...Location,
    transactionId: Type.Optional(NonEmptyText(64)),
    samples: Samples,
  },
  { additionalProperties: false },
);

export const AuthorizePayload = Type.Object(
  { idTag: Text(64), status: NonEmptyText(32) },
  { additionalProperties: false },
);

export const FirmwareStatusPayload = Type.Object(
  { status: NonEmptyText(64), requestId: Type.Optional(Type.Integer()) },
  { additionalProperties: false },
);

export const DiagnosticsStatusPayload = Type.Object(
  { status: NonEmptyText(64), requestId: Type.Optional(Type.Integer()) },
  { additionalProperties: false },
);

export const SecurityEventPayload = Type.Object(
  { type: NonEmptyText(50), timestamp: EpochMs, techInfo: Type.Optional(Text()) },
  { additionalProperties: false },
);

export const DataTransferPayload = Type.Object(
  { vendorId: NonEmptyText(), messageId: Type.Optional(Text(50)), status: NonEmptyText(32) },
  { additionalProperties: false },
);

export const CertificateRequestPayload = Type.Object(
  { certificateType: Type.Optional(Text(64)), status: NonEmptyText(32) },
  { additionalProperties: false },
);

export const GatewayAlivePayload = Type.Object(
  { instance: NonEmptyText(64), startedAt: EpochMs, sessions: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);

export const GatewayStoppedPayload = Type.Object(
  { instance: NonEmptyText(64) },
  { additionalProperties: false },
);

export const GatewayLostPayload = Type.Object(
  { instance: NonEmptyText(64), lastAliveAt: EpochMs },
  { additionalProperties: false },
);

/** An OCPP payload, kept as the charge point or the operator sent it (checked against its schema first). */
const OcppPayload = Type.Record(Type.String(), Type.Unknown());

export const CommandRequestedPayload = Type.Object(
  {
    action: NonEmptyText(64),
    request: OcppPayload,
    /** The name of the API token that asked (or of the automation that decided). */
    requestedBy: NonEmptyText(64),
    /** Past this moment the command is dropped, never sent late. */
    deadline: EpochMs,
    idempotencyKey: Type.Optional(NonEmptyText(255)),
    /** The session it was addressed to; absent when the charge point had none. */
    sessionId: Type.Optional(NonEmptyText(64)),
    protocol: Type.Optional(NonEmptyText(32)),
  },
  { additionalProperties: false },
);

export const CommandCompletedPayload = Type.Object(
  {
    action: NonEmptyText(64),
    requestedAt: EpochMs,
    requestedBy: NonEmptyText(64),
    /** The charge point's answer, valid against the action's `.conf` schema. */
    response: OcppPayload,
    sessionId: Type.Optional(NonEmptyText(64)),
  },
  { additionalProperties: false },
);

export const CommandFailedPayload = Type.Object(
  {
    action: NonEmptyText(64),
    requestedAt: EpochMs,
    requestedBy: NonEmptyText(64),
    reason: Type.Union(COMMAND_FAILURES.map((r) => Type.Literal(r))),
    /** The charge point's CALLERROR, when it rejected the command. */
    errorCode: Type.Optional(Text(64)),
    errorDescription: Type.Optional(Text(255)),
    /** What went wrong, for a person (an invalid answer's schema message, say). */
    detail: Type.Optional(Text(1024)),
    sessionId: Type.Optional(NonEmptyText(64)),
  },
  { additionalProperties: false },
);

/** The command an automation decided to send: its idempotency key is the decision's id. */
export const DecidedCommand = Type.Object(
  {
    action: NonEmptyText(64),
    request: OcppPayload,
    /** Past this moment it is never sent. */
    deadline: EpochMs,
  },
  { additionalProperties: false },
);

export const AutomationDecidedPayload = Type.Object(
  {
    /** The automation's name in the configuration. */
    automation: NonEmptyText(64),
    /** What kind of automation it is (auto-remote-start, reset-when-faulted, ...). */
    kind: NonEmptyText(64),
    /** What it decided on, for people: e.g. "connector 1 Preparing since 2026-12-05T10:00:00.000Z". */
    trigger: NonEmptyText(255),
    /** `act`: the command is sent; `skip`: nothing is sent (`reason` says why). */
    decision: Type.Union([Type.Literal("act"), Type.Literal("skip")]),
    reason: Type.Optional(NonEmptyText(255)),
    command: Type.Optional(DecidedCommand),
    /** The decision quarantines the charge point until an operator clears it. */
    quarantine: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const AutomationClearedPayload = Type.Object(
  {
    /** The automation whose hold on the charge point is cleared. */
    automation: NonEmptyText(64),
    /** Who cleared it: the API token's name. */
    by: NonEmptyText(64),
  },
  { additionalProperties: false },
);
