import type { CommandOutcome } from "@levity/commands";
import {
  type CommandEvent,
  EVENT_VERSION,
  type EventLog,
  type EventOf,
  encodeBatch,
  type PayloadOf,
} from "@levity/events";

/** Who stores command events: the gateway process writing them. */
export interface JournalOrigin {
  readonly gatewayId: string;
  readonly instance: string;
}

/** A command as its stored events describe it. */
export interface CommandRecord {
  readonly commandId: string;
  readonly cpId: string;
  readonly action: string;
  readonly requestedBy: string;
  readonly requestedAt: number;
  /** Where its request is stored: its outcome may only follow it. */
  readonly requestSequence: number | undefined;
  /** Set while it waits for its outcome. */
  readonly deadline: number | undefined;
  readonly outcome: CommandOutcome | undefined;
}

/** The request of a command, as stored. */
export interface CommandRequest {
  readonly commandId: string;
  readonly cpId: string;
  readonly payload: PayloadOf<"command.requested">;
  readonly at: number;
}

/** What a command's outcome is stored with. */
export interface StoredRequest {
  readonly commandId: string;
  readonly cpId: string;
  readonly action: string;
  readonly requestedAt: number;
  readonly requestedBy: string;
  readonly requestSequence: number;
  readonly sessionId?: string;
}

const keyOf = (commandId: string) => `cmd-${commandId}`;

/**
 * The audit trail of commands in the event log. Each command's events are stored under its own
 * key: the request only if none is stored yet, the outcome only right after the request. Two
 * callers racing with one idempotency key store one request; a gateway and an API process racing
 * to record one command's outcome store one outcome. Reading a command back is one lookup.
 */
export class CommandJournal {
  readonly #log: EventLog;
  readonly #origin: JournalOrigin;

  constructor(log: EventLog, origin: JournalOrigin) {
    this.#log = log;
    this.#origin = origin;
  }

  /** Stores a command's request; if one is stored already, says what is stored instead. */
  async requested(
    request: CommandRequest,
  ): Promise<{ ok: true; sequence: number } | { ok: false; existing: CommandRecord | undefined }> {
    const event: EventOf<"command.requested"> = {
      ...this.#envelope(request.commandId, request.cpId, request.at),
      id: `${request.commandId}/requested`,
      type: "command.requested",
      payload: request.payload,
    };
    const ack = await this.#log.appendKeyed(keyOf(request.commandId), this.#message(event), 0);
    if (ack.ok) return { ok: true, sequence: ack.sequence };
    return { ok: false, existing: await this.status(request.commandId) };
  }

  /** Stores a command's outcome unless one is stored already; true when this one was stored. */
  async outcome(request: StoredRequest, outcome: CommandOutcome): Promise<boolean> {
    const common = {
      action: request.action,
      requestedAt: request.requestedAt,
      requestedBy: request.requestedBy,
      ...(request.sessionId === undefined ? {} : { sessionId: request.sessionId }),
    };
    const envelope = {
      ...this.#envelope(request.commandId, request.cpId, outcome.at),
      id: `${request.commandId}/outcome`,
    };
    const event: CommandEvent =
      outcome.outcome === "completed"
        ? {
            ...envelope,
            type: "command.completed",
            payload: { ...common, response: outcome.response },
          }
        : {
            ...envelope,
            type: "command.failed",
            payload: {
              ...common,
              reason: outcome.reason,
              ...(outcome.errorCode === undefined ? {} : { errorCode: outcome.errorCode }),
              ...(outcome.errorDescription === undefined
                ? {}
                : { errorDescription: outcome.errorDescription }),
              ...(outcome.detail === undefined ? {} : { detail: outcome.detail }),
            },
          };
    const ack = await this.#log.appendKeyed(
      keyOf(request.commandId),
      this.#message(event),
      request.requestSequence,
    );
    return ack.ok;
  }

  /** The command as its last stored event says, if it was ever requested. */
  async status(commandId: string): Promise<CommandRecord | undefined> {
    const last = await this.#log.lastOfKey(keyOf(commandId));
    const event = last?.record.ok ? last.record.batch.events[0] : undefined;
    if (!last || !event || !("commandId" in event)) return undefined;
    const base = { commandId, cpId: event.cpId, action: event.payload.action };
    if (event.type === "command.requested") {
      return {
        ...base,
        requestedBy: event.payload.requestedBy,
        requestedAt: event.ts,
        requestSequence: last.sequence,
        deadline: event.payload.deadline,
        outcome: undefined,
      };
    }
    const { payload } = event;
    const outcome: CommandOutcome =
      event.type === "command.completed"
        ? { outcome: "completed", response: event.payload.response, at: event.ts }
        : {
            outcome: "failed",
            reason: event.payload.reason,
            ...(event.payload.errorCode === undefined
              ? {}
              : { errorCode: event.payload.errorCode }),
            ...(event.payload.errorDescription === undefined
              ? {}
              : { errorDescription: event.payload.errorDescription }),
            ...(event.payload.detail === undefined ? {} : { detail: event.payload.detail }),
            at: event.ts,
          };
    return {
      ...base,
      requestedBy: payload.requestedBy,
      requestedAt: payload.requestedAt,
      requestSequence: undefined,
      deadline: undefined,
      outcome,
    };
  }

  #envelope(commandId: string, cpId: string, ts: number) {
    return { v: EVENT_VERSION, gatewayId: this.#origin.gatewayId, ts, cpId, commandId } as const;
  }

  #message(event: CommandEvent) {
    return {
      producer: this.#origin.gatewayId,
      messageId: event.id,
      data: encodeBatch({
        producer: this.#origin.gatewayId,
        instance: this.#origin.instance,
        events: [event],
      }),
    };
  }
}
