import { callErrorFrame, callResultFrame, type RpcErrorKind } from "@levity/ocpp";
import type { SessionEnvelope } from "../events/event-stamper.js";
import { checkCall } from "../protocol/check-call.js";
import type { ProtocolHandlers } from "../protocol/protocol-handlers.js";
import type { SessionServices } from "./session-services.js";

/** What the inbound half needs of its session. */
export interface InboundPorts {
  readonly envelope: SessionEnvelope;
  readonly handlers: ProtocolHandlers;
  readonly services: SessionServices;
  send(text: string): void;
  /** The charge point queued more calls than allowed: the session must end. */
  flooded(): void;
}

interface QueuedCall {
  readonly messageId: string;
  readonly action: string;
  readonly payload: unknown;
  readonly receivedAt: number;
}

/**
 * The charge point's half of a session: answers its calls in order, one at a time, each only
 * after the events it produced are stored. A charge point that queues more than
 * `maxQueuedCalls` behind the one being answered is flooding, and its session ends.
 */
export class InboundCalls {
  readonly #ports: InboundPorts;
  readonly #queue: QueuedCall[] = [];
  #busy = false;
  #closed = false;

  constructor(ports: InboundPorts) {
    this.#ports = ports;
  }

  /** Queues a CALL from the charge point. */
  receive(messageId: string, action: string, payload: unknown): void {
    if (this.#closed) return;
    const { services } = this.#ports;
    services.countCall(action);
    if (this.#queue.length >= services.limits.maxQueuedCalls) {
      this.#ports.flooded();
      return;
    }
    this.#queue.push({ messageId, action, payload, receivedAt: services.now() });
    this.#pump();
  }

  /** Answers a frame that was not a readable call, when it had an id to answer to. */
  refuse(messageId: string, kind: RpcErrorKind, description: string): void {
    this.#sendError(messageId, kind, description);
  }

  /** The session ended: calls still queued are never answered. */
  close(): void {
    this.#closed = true;
    this.#queue.length = 0;
  }

  // Calls are answered one at a time: `#busy` holds the queue while a call waits for a
  // transaction id or for its events to be stored; callbacks (not promises) keep the per-call
  // cost down, and `#finish` moves on to the next queued call.
  #pump(): void {
    while (!this.#busy && !this.#closed && this.#queue.length > 0) {
      this.#busy = true;
      this.#answer(this.#queue.shift() as QueuedCall);
    }
  }

  #finish(): void {
    this.#busy = false;
    this.#pump();
  }

  #answer(call: QueuedCall): void {
    const checked = checkCall(this.#ports.handlers, call.action, call.payload);
    if (checked.kind === "error") {
      this.#sendError(call.messageId, checked.error, checked.description);
      this.#finish();
      return;
    }
    if (!checked.needsTransactionId) {
      this.#deliver(call, undefined);
      return;
    }
    const { services, envelope } = this.#ports;
    services.transactionIds.next().then(
      (transactionId) => this.#deliver(call, transactionId),
      (error: unknown) => {
        services.logger.error(
          { err: error, cpId: envelope.cpId, sessionId: envelope.sessionId },
          "cannot allocate a transaction id",
        );
        this.#sendError(call.messageId, "internal", "transaction id unavailable, retry later");
        this.#finish();
      },
    );
  }

  #deliver(call: QueuedCall, transactionId: number | undefined): void {
    const { handlers, services, envelope } = this.#ports;
    const outcome = handlers.handle(call.action, call.payload, {
      receivedAt: call.receivedAt,
      heartbeatIntervalS: services.limits.heartbeatIntervalS,
      transactionId,
      idTagAccepted: services.idTagAccepted,
    });
    if (outcome.kind === "error") {
      this.#sendError(call.messageId, outcome.error, outcome.description);
      this.#finish();
      return;
    }
    const { stamper, committer, metrics } = services;
    if (outcome.droppedSamples) metrics.samplesDropped.inc(outcome.droppedSamples);
    if (outcome.events.length === 0) {
      this.#ports.send(callResultFrame(call.messageId, outcome.payload));
      this.#finish();
      return;
    }
    const events: string[] = [];
    for (const draft of outcome.events)
      events.push(stamper.cpEvent(envelope, draft, call.receivedAt, call.messageId));
    committer.submit(events, (error) => {
      // Nothing acknowledged is lost: on an error the charge point retries (1.6 retries these).
      if (error)
        this.#sendError(call.messageId, "internal", "could not store the message, retry later");
      else this.#ports.send(callResultFrame(call.messageId, outcome.payload));
      this.#finish();
    });
  }

  #sendError(messageId: string, kind: RpcErrorKind, description: string): void {
    const { handlers, services } = this.#ports;
    const code = handlers.protocol.errorCodes[kind];
    services.metrics.callErrors.labels(code).inc();
    this.#ports.send(callErrorFrame(messageId, code, description));
  }
}
