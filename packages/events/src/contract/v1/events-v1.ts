import type { Static, TSchema } from "@sinclair/typebox";
import { commandEnvelope, cpEnvelope, gatewayEnvelope } from "../envelopes.js";
import * as P from "../payloads.js";
import * as V1 from "./payloads-v1.js";

/** The first version of the contract, as stored by gateways before 2.0.1 support. */
export const EVENT_VERSION_1 = 1;

const cpEvent = <K extends string, S extends TSchema>(type: K, payload: S) =>
  cpEnvelope(EVENT_VERSION_1, type, payload);
const commandEvent = <K extends string, S extends TSchema>(type: K, payload: S) =>
  commandEnvelope(EVENT_VERSION_1, type, payload);
const gatewayEvent = <K extends string, S extends TSchema>(type: K, payload: S) =>
  gatewayEnvelope(EVENT_VERSION_1, type, payload);

/** Every v1 event type: the payloads v2 kept, and v1's own for those it changed. */
export const eventSchemasV1 = {
  "session.opened": cpEvent("session.opened", P.SessionOpenedPayload),
  "session.closed": cpEvent("session.closed", P.SessionClosedPayload),
  "cp.boot": cpEvent("cp.boot", P.BootPayload),
  "cp.heartbeat": cpEvent("cp.heartbeat", P.HeartbeatPayload),
  "cp.status": cpEvent("cp.status", V1.StatusPayloadV1),
  "cp.authorize": cpEvent("cp.authorize", P.AuthorizePayload),
  "cp.firmware-status": cpEvent("cp.firmware-status", P.FirmwareStatusPayload),
  "cp.diagnostics-status": cpEvent("cp.diagnostics-status", P.DiagnosticsStatusPayload),
  "cp.security-event": cpEvent("cp.security-event", P.SecurityEventPayload),
  "cp.data-transfer": cpEvent("cp.data-transfer", P.DataTransferPayload),
  "cp.certificate-request": cpEvent("cp.certificate-request", P.CertificateRequestPayload),
  "tx.started": cpEvent("tx.started", V1.TransactionStartedPayloadV1),
  "tx.stopped": cpEvent("tx.stopped", V1.TransactionStoppedPayloadV1),
  "meter.values": cpEvent("meter.values", V1.MeterValuesPayloadV1),
  "command.requested": commandEvent("command.requested", P.CommandRequestedPayload),
  "command.completed": commandEvent("command.completed", P.CommandCompletedPayload),
  "command.failed": commandEvent("command.failed", P.CommandFailedPayload),
  "gateway.alive": gatewayEvent("gateway.alive", P.GatewayAlivePayload),
  "gateway.stopped": gatewayEvent("gateway.stopped", P.GatewayStoppedPayload),
  "gateway.lost": gatewayEvent("gateway.lost", P.GatewayLostPayload),
} as const;

type SchemasV1 = typeof eventSchemasV1;
export type EventTypeV1 = keyof SchemasV1;
/** Any v1 event, discriminated by `type`. */
export type LevityEventV1 = { [K in EventTypeV1]: Static<SchemasV1[K]> }[EventTypeV1];
