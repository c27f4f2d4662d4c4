import { Type } from "@sinclair/typebox";
import { CLOSE_REASONS } from "./close-reasons.js";
import { COMMAND_FAILURES } from "./command-failures.js";
import { ConnectorId, EpochMs, NonEmptyText, Text } from "./fields.js";

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

export const StatusPayload = Type.Object(
  {
    connectorId: ConnectorId,
    evseId: Type.Optional(ConnectorId),
    status: NonEmptyText(32),
    errorCode: NonEmptyText(50),
    info: Type.Optional(Text()),
    vendorId: Type.Optional(Text()),
    vendorErrorCode: Type.Optional(Text()),
    timestamp: Type.Optional(EpochMs),
  },
  { additionalProperties: false },
);

export const MeterSample = Type.Object(
  {
    timestamp: EpochMs,
    measurand: NonEmptyText(64),
    value: Type.Number(),
    unit: NonEmptyText(16),
    phase: Type.Optional(Text(8)),
    context: Type.Optional(Text(32)),
    location: Type.Optional(Text(16)),
  },
  { additionalProperties: false },
);

export const TransactionStartedPayload = Type.Object(
  {
    connectorId: ConnectorId,
    transactionId: NonEmptyText(64),
    idTag: Text(64),
    meterStartWh: Type.Number(),
    timestamp: EpochMs,
    reservationId: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);

export const TransactionStoppedPayload = Type.Object(
  {
    transactionId: NonEmptyText(64),
    connectorId: Type.Optional(ConnectorId),
    meterStopWh: Type.Number(),
    timestamp: EpochMs,
    reason: Type.Optional(Text(32)),
    idTag: Type.Optional(Text(64)),
    /** Meter values the charge point attached to its stop (1.6 transactionData). */
    samples: Type.Optional(Type.Array(MeterSample, { maxItems: 2000 })),
  },
  { additionalProperties: false },
);

export const MeterValuesPayload = Type.Object(
  {
    connectorId: ConnectorId,
    transactionId: Type.Optional(NonEmptyText(64)),
    samples: Type.Array(MeterSample, { maxItems: 2000 }),
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
