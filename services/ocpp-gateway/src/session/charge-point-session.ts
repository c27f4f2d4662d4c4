import type { CommandOutcome } from "@levity/commands";
import type { CloseReason } from "@levity/events";
import { parseFrame } from "@levity/ocpp";
import type { SessionEnvelope } from "../events/event-stamper.js";
import type { ProtocolHandlers } from "../protocol/protocol-handlers.js";
import { InboundCalls } from "./inbound-calls.js";
import { type OutboundCall, OutboundCalls } from "./outbound-calls.js";
import type { SessionServices } from "./session-services.js";
import type { SessionSocket } from "./session-socket.js";

/**
 * One charge point's connection: frames in and out, and how the session began and ended. What the
 * charge point asks is answered by the inbound half; what the central system asks it is sent by
 * the outbound half. Each is its own piece, so neither waits for the other.
 */
export class ChargePointSession {
  /** Cleared by each keepalive ping, set again by any traffic from the charge point. */
  alive = true;
  readonly envelope: SessionEnvelope;
  readonly #socket: SessionSocket;
  readonly #handlers: ProtocolHandlers;
  readonly #services: SessionServices;
  readonly #inbound: InboundCalls;
  readonly #outbound: OutboundCalls;
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
    const send = (text: string) => this.#send(text);
    this.#inbound = new InboundCalls({
      envelope,
      handlers,
      services,
      send,
      flooded: () => this.close("call-flood", 1008),
    });
    this.#outbound = new OutboundCalls({
      send,
      validator: handlers.protocol.commands,
      now: services.now,
      timeoutMs: services.limits.commandTimeoutMs,
      maxQueued: services.limits.maxQueuedCommands,
      unmatchedAnswer: () => services.metrics.framesIgnored.labels("unmatched-response").inc(),
    });
  }

  get cpId(): string {
    return this.envelope.cpId;
  }

  get sessionId(): string {
    return this.envelope.sessionId;
  }

  /** The OCPP subprotocol the session speaks. */
  get protocol(): string {
    return this.#handlers.protocol.subprotocol;
  }

  /** Records the session's start; must-store, so it precedes every event of the session in the log. */
  open(remoteAddress: string | undefined): void {
    const { stamper, committer, metrics, now, logger } = this.#services;
    const opened = { protocol: this.protocol, instance: stamper.instance };
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
      else this.#inbound.refuse(messageId, parsed.violation.kind, reason);
      return;
    }
    const frame = parsed.frame;
    if (frame.kind === "call") this.#inbound.receive(frame.messageId, frame.action, frame.payload);
    else this.#outbound.answered(frame);
  }

  /** Sends a command to the charge point; resolves with its outcome, whatever happens. */
  command(call: OutboundCall): Promise<CommandOutcome> {
    return this.#outbound.submit(call);
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
    if (this.#closed) return;
    this.#socket.ping();
  }

  /** Answers the peer's ping; a peer that never reads its pongs is a slow consumer like any other. */
  pinged(data: Buffer): void {
    if (this.#closed) return;
    this.#socket.pong(data);
    this.#dropIfSlow();
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
    this.#inbound.close();
    this.#outbound.close(`the session closed (${reason})`);
    const { stamper, committer, metrics, now, logger, ended } = this.#services;
    const payload = code === undefined || code > 4999 ? { reason } : { reason, code };
    committer.store([stamper.cpEvent(this.envelope, { type: "session.closed", payload }, now())]);
    metrics.connections.dec();
    metrics.sessionsClosed.labels(reason).inc();
    logger.info({ cpId: this.cpId, sessionId: this.sessionId, reason, code }, "session closed");
    ended(this);
  }
}
