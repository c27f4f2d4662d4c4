import { Type } from "@sinclair/typebox";
import { ConnectorId, EpochMs, NonEmptyText, Text } from "../fields.js";

// The payloads of event v1 that v2 changed, frozen as v1 gateways wrote them: 1.6-shaped, with
// the 1.6 connector number and the fault inside the status. Read only to be upcast.

/** A sampled value as v1 stored it: a 1.6 unit (v2 allows 2.0.1's longer ones). */
const MeterSample = Type.Object(
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

export const StatusPayloadV1 = Type.Object(
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

export const TransactionStartedPayloadV1 = Type.Object(
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

export const TransactionStoppedPayloadV1 = Type.Object(
  {
    transactionId: NonEmptyText(64),
    connectorId: Type.Optional(ConnectorId),
    meterStopWh: Type.Number(),
    timestamp: EpochMs,
    reason: Type.Optional(Text(32)),
    idTag: Type.Optional(Text(64)),
    samples: Type.Optional(Type.Array(MeterSample, { maxItems: 2000 })),
  },
  { additionalProperties: false },
);

export const MeterValuesPayloadV1 = Type.Object(
  {
    connectorId: ConnectorId,
    transactionId: Type.Optional(NonEmptyText(64)),
    samples: Type.Array(MeterSample, { maxItems: 2000 }),
  },
  { additionalProperties: false },
);
