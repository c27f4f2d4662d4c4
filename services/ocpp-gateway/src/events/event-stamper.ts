import { EVENT_VERSION, type GatewayEventType, type PayloadOf } from "@levity/events";
import type { EventDraft } from "../protocol/call-outcome.js";

/** The envelope fields one session shares across all its events, serialised once. */
export interface SessionEnvelope {
  readonly cpId: string;
  readonly sessionId: string;
  /** `"gatewayId":…,"cpId":…,"sessionId":…` as JSON members. */
  readonly json: string;
}

/**
 * Stamps envelopes on events and serialises them once, straight to the JSON the group commit
 * stores. Event and session ids are the gateway instance plus a counter: unique and cheap.
 */
export class EventStamper {
  readonly gatewayId: string;
  readonly instance: string;
  readonly #gatewayJson: string;
  #events = 0;
  #sessions = 0;

  constructor(gatewayId: string, instance: string) {
    this.gatewayId = gatewayId;
    this.instance = instance;
    this.#gatewayJson = `"gatewayId":${JSON.stringify(gatewayId)}`;
  }

  /** A new session id and the envelope its events share. */
  openSession(cpId: string): SessionEnvelope {
    this.#sessions += 1;
    const sessionId = `${this.instance}-s${this.#sessions.toString(36)}`;
    return {
      cpId,
      sessionId,
      json: `${this.#gatewayJson},"cpId":${JSON.stringify(cpId)},"sessionId":${JSON.stringify(sessionId)}`,
    };
  }

  /** The JSON of a charge-point event of `session`, received at `ts`, recording call `callId`. */
  cpEvent(session: SessionEnvelope, draft: EventDraft, ts: number, callId?: string): string {
    const call = callId === undefined ? "" : `,"callId":${JSON.stringify(callId)}`;
    return `{"id":"${this.#nextId()}","type":"${draft.type}","v":${EVENT_VERSION},${session.json}${call},"ts":${ts},"payload":${JSON.stringify(draft.payload)}}`;
  }

  /** The JSON of an event about this gateway. */
  gatewayEvent<K extends GatewayEventType>(type: K, payload: PayloadOf<K>, ts: number): string {
    return `{"id":"${this.#nextId()}","type":"${type}","v":${EVENT_VERSION},${this.#gatewayJson},"ts":${ts},"payload":${JSON.stringify(payload)}}`;
  }

  #nextId(): string {
    this.#events += 1;
    return `${this.instance}-${this.#events.toString(36)}`;
  }
}
