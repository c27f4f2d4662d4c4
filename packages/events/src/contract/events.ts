import type { Static, TSchema } from "@sinclair/typebox";
import { automationEnvelope, commandEnvelope, cpEnvelope, gatewayEnvelope } from "./envelopes.js";
import * as P from "./payloads.js";

/**
 * Version of the event envelope and payload shapes; bumped on any incompatible change. Events of
 * an older version are upcast to this one when read (`readEvent`), so history is never orphaned.
 */
export const EVENT_VERSION = 2;

const cpEvent = <K extends string, S extends TSchema>(type: K, payload: S) =>
  cpEnvelope(EVENT_VERSION, type, payload);
const commandEvent = <K extends string, S extends TSchema>(type: K, payload: S) =>
  commandEnvelope(EVENT_VERSION, type, payload);
const automationEvent = <K extends string, S extends TSchema>(type: K, payload: S) =>
  automationEnvelope(EVENT_VERSION, type, payload);
const gatewayEvent = <K extends string, S extends TSchema>(type: K, payload: S) =>
  gatewayEnvelope(EVENT_VERSION, type, payload);

/** The schema of every event type: the single source of the contract's types and validators. */
export const eventSchemas = {
  "session.opened": cpEvent("session.opened", P.SessionOpenedPayload),
  "session.closed": cpEvent("session.closed", P.SessionClosedPayload),
  "cp.boot": cpEvent("cp.boot", P.BootPayload),
  "cp.heartbeat": cpEvent("cp.heartbeat", P.HeartbeatPayload),
  "cp.status": cpEvent("cp.status", P.StatusPayload),
  "cp.fault": cpEvent("cp.fault", P.FaultPayload),
  "cp.authorize": cpEvent("cp.authorize", P.AuthorizePayload),
  "cp.firmware-status": cpEvent("cp.firmware-status", P.FirmwareStatusPayload),
  "cp.diagnostics-status": cpEvent("cp.diagnostics-status", P.DiagnosticsStatusPayload),
  "cp.security-event": cpEvent("cp.security-event", P.SecurityEventPayload),
  "cp.data-transfer": cpEvent("cp.data-transfer", P.DataTransferPayload),
  "cp.certificate-request": cpEvent("cp.certificate-request", P.CertificateRequestPayload),
  "tx.started": cpEvent("tx.started", P.TransactionStartedPayload),
  "tx.updated": cpEvent("tx.updated", P.TransactionUpdatedPayload),
  "tx.stopped": cpEvent("tx.stopped", P.TransactionStoppedPayload),
  "meter.values": cpEvent("meter.values", P.MeterValuesPayload),
  "command.requested": commandEvent("command.requested", P.CommandRequestedPayload),
  "command.completed": commandEvent("command.completed", P.CommandCompletedPayload),
  "command.failed": commandEvent("command.failed", P.CommandFailedPayload),
  "gateway.alive": gatewayEvent("gateway.alive", P.GatewayAlivePayload),
  "gateway.stopped": gatewayEvent("gateway.stopped", P.GatewayStoppedPayload),
  "gateway.lost": gatewayEvent("gateway.lost", P.GatewayLostPayload),
  "automation.decided": automationEvent("automation.decided", P.AutomationDecidedPayload),
  "automation.cleared": automationEvent("automation.cleared", P.AutomationClearedPayload),
} as const;

type Schemas = typeof eventSchemas;
export type EventType = keyof Schemas;
/** The event of one type, e.g. `EventOf<"cp.boot">`. */
export type EventOf<K extends EventType> = Static<Schemas[K]>;
/** Any event of the contract, discriminated by `type`. */
export type LevityEvent = { [K in EventType]: EventOf<K> }[EventType];
/** Events of a charge point's session. */
export type CpEvent = Extract<LevityEvent, { sessionId: string }>;
/** Events of a command to a charge point. */
export type CommandEvent = Extract<LevityEvent, { commandId: string }>;
export type CommandEventType = CommandEvent["type"];
/** Events of an automation's decisions about a charge point. */
export type AutomationEvent = Extract<LevityEvent, { type: `automation.${string}` }>;
export type AutomationEventType = AutomationEvent["type"];
export type GatewayEvent = Exclude<LevityEvent, CpEvent | CommandEvent | AutomationEvent>;
export type CpEventType = CpEvent["type"];
export type GatewayEventType = GatewayEvent["type"];
/** The payload of one event type. */
export type PayloadOf<K extends EventType> = EventOf<K>["payload"];
export type MeterSample = Static<typeof P.MeterSample>;

export const EVENT_TYPES = Object.keys(eventSchemas) as EventType[];

/** True when `type` names an event of the contract. */
export function isEventType(type: string): type is EventType {
  return Object.hasOwn(eventSchemas, type);
}

/** True for events that belong to a charge point session. */
export function isCpEvent(event: LevityEvent): event is CpEvent {
  return "sessionId" in event;
}

/** True for events of an automation. */
export function isAutomationEvent(event: LevityEvent): event is AutomationEvent {
  return event.type.startsWith("automation.");
}

/** True for events of a command. */
export function isCommandEvent(event: LevityEvent): event is CommandEvent {
  return "commandId" in event;
}
