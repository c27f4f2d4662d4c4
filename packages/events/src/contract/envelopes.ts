import { type TSchema, Type } from "@sinclair/typebox";
import { EpochMs, NonEmptyText } from "./fields.js";

// The three envelopes an event comes in, for any version of the contract: the fields around a
// payload say what the event is about (a charge point's session, a command, a gateway).

function common<V extends number>(version: V) {
  return {
    id: NonEmptyText(255),
    v: Type.Literal(version),
    gatewayId: NonEmptyText(128),
    ts: EpochMs,
  };
}

const options = (type: string, version: number) => ({
  additionalProperties: false,
  $id: `levity.event.${type}.v${version}`,
});

/** An event about one charge point, within one of its sessions. */
export function cpEnvelope<V extends number, K extends string, S extends TSchema>(
  version: V,
  type: K,
  payload: S,
) {
  return Type.Object(
    {
      ...common(version),
      type: Type.Literal(type),
      cpId: NonEmptyText(255),
      sessionId: NonEmptyText(64),
      // The OCPP message id of the call this event records, for tracing and exactly-once audits.
      callId: Type.Optional(NonEmptyText(36)),
      payload,
    },
    options(type, version),
  );
}

/**
 * An event about a command to one charge point: its request and its outcome. Not tied to a
 * session (the charge point may have none), so it neither creates nor touches a session.
 */
export function commandEnvelope<V extends number, K extends string, S extends TSchema>(
  version: V,
  type: K,
  payload: S,
) {
  return Type.Object(
    {
      ...common(version),
      type: Type.Literal(type),
      cpId: NonEmptyText(255),
      commandId: NonEmptyText(64),
      payload,
    },
    options(type, version),
  );
}

/** An event about a gateway process as a whole. */
export function gatewayEnvelope<V extends number, K extends string, S extends TSchema>(
  version: V,
  type: K,
  payload: S,
) {
  return Type.Object(
    { ...common(version), type: Type.Literal(type), payload },
    options(type, version),
  );
}

/**
 * An event about an automation's decision on one charge point (or an operator's word on one). Not
 * tied to a session: an automation decides from the projection, not from a connection.
 */
export function automationEnvelope<V extends number, K extends string, S extends TSchema>(
  version: V,
  type: K,
  payload: S,
) {
  return Type.Object(
    { ...common(version), type: Type.Literal(type), cpId: NonEmptyText(255), payload },
    options(type, version),
  );
}
