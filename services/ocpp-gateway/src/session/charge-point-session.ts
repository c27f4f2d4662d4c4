import type { CloseReason } from "@levity/events";
import { callErrorFrame, callResultFrame, parseFrame, type RpcErrorKind } from "@levity/ocpp";
import type { Logger } from "@levity/service-kit";
import type { GroupCommitter } from "../commit/group-committer.js";
import type { EventStamper, SessionEnvelope } from "../events/event-stamper.js";
import type { GatewayMetrics } from "../metrics/gateway-metrics.js";
import { checkCall } from "../protocol/check-call.js";
import type { ProtocolHandlers } from "../protocol/protocol-handlers.js";
import type { TransactionIdAllocator } from "../transactions/transaction-ids.js";
import type { SessionSocket } from "./session-socket.js";

/** Limits that keep one charge point from harming the others. */
export interface SessionLimits {
  /** CALLs a charge point may queue while one is being answered; one more closes the session. */
  readonly maxQueuedCalls: number;
  /** Bytes of unsent answers tolerated before a charge point that does not read is dropped. */
  readonly maxSendBuffer: number;
  readonly heartbeatIntervalS: number;
}

/** What every session of a gateway shares. */
export interface SessionServices {
  readonly committer: GroupCommitter;
  readonly stamper: EventStamper;
  readonly transactionIds: TransactionIdAllocator;
  readonly metrics: GatewayMetrics;
  readonly countCall: (action: string) => void;
  /** Whether an idTag may charge, by the registry's allow list. */
  readonly idTagAccepted: (idTag: string) => boolean;
  readonly logger: Logger;
  readonly now: () => number;
  readonly limits: SessionLimits;
  /** Called once when the session has ended, whoever ended it. */
  readonly ended: (session: ChargePointSession) => void;
}

interface QueuedCall {
  readonly messageId: string;
  readonly action: string;
  readonly payload: unknown;
  readonly receivedAt: number;
}

/**
 * One charge point's connection: answers its calls in order, one at a time, each only after the
 * events it produced are stored, and records how the session began and ended.
 */
export class ChargePointSession {
  /** Cleared by each keepalive ping, set again by any traffic from the charge point. */
  alive = true;
  readonly envelope: SessionEnvelope;
  readonly #socket: SessionSocket;
  readonly #handlers: ProtocolHandlers;
  readonly #services: SessionServices;
  readonly #queue: QueuedCall[] = [];
  #busy = false;
  #closed = false;
  #protocolErrorCode: number | undefined;

  constructor(
    socket: SessionSocket,
    handlers: ProtocolHandlers,
    envelope: SessionEnvelope,
    services: SessionServices,
  ) {
    this.#socket = socket;
    this.#handlers = handlers;
    this.envelope = envelope;
    this.#services = services;
  }

  get cpId(): string {
    return this.envelope.cpId;
  }

  get sessionId(): string {
    return this.envelope.sessionId;
  }

  /** Records the session's start; must-store, so it precedes every event of the session in the log. */
  open(remoteAddress: string | undefined): void {
    const { stamper, committer, metrics, now, logger } = this.#services;
    const opened = { protocol: this.#handlers.protocol.subprotocol, instance: stamper.instance };
    const payload = remoteAddress
      ? { ...opened, remoteAddress: remoteAddress.slice(0, 64) }
      : opened;
    committer.store([stamper.cpEvent(this.envelope, { type: "session.opened", payload }, now())]);
    metrics.connections.inc();
    logger.info({ cpId: this.cpId, sessionId: this.sessionId, remoteAddress }, "session opened");
  }

  /** Handles one text message from the charge point. */
  receive(text: string): void {
    if (this.#closed) return;
    this.alive = true;
    const parsed = parseFrame(text);
    if (!parsed.ok) {
      const { messageId, reason } = parsed.violation;
      if (messageId === undefined) this.#services.metrics.framesIgnored.labels("unreadable").inc();
      else this.#sendError(messageId, "formation", reason);
      return;
    }
    const frame = parsed.frame;
    if (frame.kind !== "call") {
      // The gateway sends no calls of its own yet, so every response answers nothing.
      this.#services.metrics.framesIgnored.labels("unmatched-response").inc();
      return;
    }
    this.#services.countCall(frame.action);
    if (this.#queue.length >= this.#services.limits.maxQueuedCalls) {
      this.close("call-flood", 1008);
      return;
    }
    this.#queue.push({
      messageId: frame.messageId,
      action: frame.action,
      payload: frame.payload,
      receivedAt: this.#services.now(),
    });
    this.#pump();
  }

  /** Ends the session from our side; without a close code the socket is dropped at once. */
  close(reason: CloseReason, code?: number): void {
    if (this.#closed) return;
    if (code === undefined) this.#socket.terminate();
    else this.#socket.close(code, reason);
    this.#end(reason, code);
  }

  /** The socket failed the WebSocket protocol (bad frame, invalid UTF-8, oversized message) and closes with `code`. */
  markProtocolError(code: number): void {
    this.#protocolErrorCode = code;
  }

  /** The socket closed; records the end unless we ended the session ourselves. */
  socketClosed(code: number): void {
    if (this.#closed) return;
    if (this.#protocolErrorCode !== undefined)
      this.#end("protocol-violation", this.#protocolErrorCode);
    else this.#end(code === 1006 ? "network-error" : "closed-by-cp", code);
  }

  ping(): void {
    this.#socket.ping();
  }

  /** Answers the peer's ping; a peer that never reads its pongs is a slow consumer like any other. */
  pinged(data: Buffer): void {
    if (this.#closed) return;
    this.#socket.pong(data);
    this.#dropIfSlow();
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
    const checked = checkCall(this.#handlers, call.action, call.payload);
    if (checked.kind === "error") {
      this.#sendError(call.messageId, checked.error, checked.description);
      this.#finish();
      return;
    }
    if (!checked.needsTransactionId) {
      this.#deliver(call, undefined);
      return;
    }
    this.#services.transactionIds.next().then(
      (transactionId) => this.#deliver(call, transactionId),
      (error: unknown) => {
        this.#services.logger.error(
          { err: error, cpId: this.cpId },
          "cannot allocate a transaction id",
        );
        this.#sendError(call.messageId, "internal", "transaction id unavailable, retry later");
        this.#finish();
      },
    );
  }

  #deliver(call: QueuedCall, transactionId: number | undefined): void {
    const outcome = this.#handlers.handle(call.action, call.payload, {
      receivedAt: call.receivedAt,
      heartbeatIntervalS: this.#services.limits.heartbeatIntervalS,
      transactionId,
      idTagAccepted: this.#services.idTagAccepted,
    });
    if (outcome.kind === "error") {
      this.#sendError(call.messageId, outcome.error, outcome.description);
      this.#finish();
      return;
    }
    const { stamper, committer, metrics } = this.#services;
    if (outcome.droppedSamples) metrics.samplesDropped.inc(outcome.droppedSamples);
    if (outcome.events.length === 0) {
      this.#send(callResultFrame(call.messageId, outcome.payload));
      this.#finish();
      return;
    }
    const events: string[] = [];
    for (const draft of outcome.events)
      events.push(stamper.cpEvent(this.envelope, draft, call.receivedAt, call.messageId));
    committer.submit(events, (error) => {
      // Nothing acknowledged is lost: on an error the charge point retries (1.6 retries these).
      if (error)
        this.#sendError(call.messageId, "internal", "could not store the message, retry later");
      else this.#send(callResultFrame(call.messageId, outcome.payload));
      this.#finish();
    });
  }

  #sendError(messageId: string, kind: RpcErrorKind, description: string): void {
    const code = this.#handlers.protocol.errorCodes[kind];
    this.#services.metrics.callErrors.labels(code).inc();
    this.#send(callErrorFrame(messageId, code, description));
  }

  #send(text: string): void {
    if (this.#closed) return;
    this.#socket.send(text);
    this.#dropIfSlow();
  }

  #dropIfSlow(): void {
    if (this.#socket.bufferedAmount > this.#services.limits.maxSendBuffer)
      this.close("slow-consumer");
  }

  #end(reason: CloseReason, code: number | undefined): void {
    this.#closed = true;
    this.#queue.length = 0;
    const { stamper, committer, metrics, now, logger, ended } = this.#services;
    const payload = code === undefined || code > 4999 ? { reason } : { reason, code };
    committer.store([stamper.cpEvent(this.envelope, { type: "session.closed", payload }, now())]);
    metrics.connections.dec();
    metrics.sessionsClosed.labels(reason).inc();
    logger.info({ cpId: this.cpId, sessionId: this.sessionId, reason, code }, "session closed");
    ended(this);
  }
}
