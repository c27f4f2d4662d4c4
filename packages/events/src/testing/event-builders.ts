import {
  type AutomationEventType,
  type CommandEventType,
  type CpEventType,
  EVENT_VERSION,
  type EventOf,
  type GatewayEventType,
  type PayloadOf,
} from "../contract/events.js";

let counter = 0;

/** Envelope fields a test may set on a built event. */
export interface EventContext {
  readonly id?: string;
  readonly gatewayId?: string;
  readonly cpId?: string;
  readonly sessionId?: string;
  readonly commandId?: string;
  readonly ts?: number;
}

/** Builds a valid charge-point event with defaults a test can override. */
export function cpEvent<K extends CpEventType>(
  type: K,
  payload: PayloadOf<K>,
  context: EventContext = {},
): EventOf<K> {
  counter += 1;
  return {
    id: context.id ?? `test-${counter}`,
    type,
    v: EVENT_VERSION,
    gatewayId: context.gatewayId ?? "gw-1",
    cpId: context.cpId ?? "CP-1",
    sessionId: context.sessionId ?? "s-1",
    ts: context.ts ?? 1_700_000_000_000 + counter,
    payload,
  } as EventOf<K>;
}

/** Builds a valid gateway event with defaults a test can override. */
export function gatewayEvent<K extends GatewayEventType>(
  type: K,
  payload: PayloadOf<K>,
  context: EventContext = {},
): EventOf<K> {
  counter += 1;
  return {
    id: context.id ?? `test-${counter}`,
    type,
    v: EVENT_VERSION,
    gatewayId: context.gatewayId ?? "gw-1",
    ts: context.ts ?? 1_700_000_000_000 + counter,
    payload,
  } as EventOf<K>;
}

/** Builds a valid command event with defaults a test can override. */
export function commandEvent<K extends CommandEventType>(
  type: K,
  payload: PayloadOf<K>,
  context: EventContext = {},
): EventOf<K> {
  counter += 1;
  return {
    id: context.id ?? `test-${counter}`,
    type,
    v: EVENT_VERSION,
    gatewayId: context.gatewayId ?? "gw-1",
    cpId: context.cpId ?? "CP-1",
    commandId: context.commandId ?? "c-1",
    ts: context.ts ?? 1_700_000_000_000 + counter,
    payload,
  } as EventOf<K>;
}

/** Builds a valid automation event with defaults a test can override. */
export function automationEvent<K extends AutomationEventType>(
  type: K,
  payload: PayloadOf<K>,
  context: EventContext = {},
): EventOf<K> {
  counter += 1;
  return {
    id: context.id ?? `test-${counter}`,
    type,
    v: EVENT_VERSION,
    gatewayId: context.gatewayId ?? "projector",
    cpId: context.cpId ?? "CP-1",
    ts: context.ts ?? 1_700_000_000_000 + counter,
    payload,
  } as EventOf<K>;
}
