import { randomUUID } from "node:crypto";
import {
  CallTimeout,
  ConnectionClosed,
  callErrorFrame,
  callFrame,
  callResultFrame,
  type Frame,
  OCPP16_ERROR_CODES,
  PendingCalls,
  parseFrame,
} from "@levity/ocpp";
import { WebSocket } from "ws";

export { CallTimeout, ConnectionClosed };

/** How a charge point answers a call from the central system: a result, an error, or nothing. */
export type CallAnswer =
  | { readonly kind: "result"; readonly payload: unknown }
  | { readonly kind: "error"; readonly code: string; readonly description: string }
  | { readonly kind: "silent" };

/** Answers the central system's calls; by default every one is NotImplemented. */
export type CallHandler = (action: string, payload: unknown, messageId: string) => CallAnswer;

/** How a client connects and how long it waits for answers. */
export interface OcppClientOptions {
  readonly protocols?: readonly string[];
  readonly headers?: Readonly<Record<string, string>>;
  /** How long a call waits for its answer before it fails with CallTimeout (default 30 s). */
  readonly callTimeoutMs?: number;
  /** For wss: the CA to trust, and a client certificate to present (security profile 3). */
  readonly tls?: { readonly ca?: Buffer; readonly cert?: Buffer; readonly key?: Buffer };
}

/** A refused handshake, with the HTTP status the server answered. */
export class HandshakeRefused extends Error {
  constructor(readonly status: number) {
    super(`handshake refused with HTTP ${status}`);
  }
}

// Answers are read leniently, so a client can see what a server answers even to ids OCPP-J forbids.
function readFrame(text: string): Frame | undefined {
  const parsed = parseFrame(text);
  if (parsed.ok) return parsed.frame;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || typeof value[1] !== "string") return undefined;
  if (value[0] === 3) return { kind: "result", messageId: value[1], payload: value[2] };
  if (value[0] === 4) {
    return {
      kind: "error",
      messageId: value[1],
      errorCode: String(value[2]),
      description: String(value[3]),
      details: value[4],
    };
  }
  return undefined;
}

const notImplemented: CallHandler = (action) => ({
  kind: "error",
  code: OCPP16_ERROR_CODES.notImplemented,
  description: `${action} is not simulated`,
});

/**
 * A charge point's OCPP-J connection: sends CALLs and matches their answers by message id, with a
 * timeout; answers calls from the server with its call handler (NotImplemented unless told
 * otherwise); keeps unmatched frames.
 */
export class OcppClient {
  readonly socket: WebSocket;
  /** Frames that answered no call of ours. */
  readonly received: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #pending = new PendingCalls<Frame>();
  readonly #timeoutMs: number;
  #onCall: CallHandler = notImplemented;

  private constructor(socket: WebSocket, timeoutMs: number) {
    this.socket = socket;
    this.#timeoutMs = timeoutMs;
    this.closed = new Promise((resolve) => {
      socket.on("close", (code, reason) => {
        this.#pending.rejectAll(new ConnectionClosed(`closed (${code}) before an answer`));
        resolve({ code, reason: reason.toString() });
      });
    });
    socket.on("message", (data) => this.#onMessage(data.toString()));
  }

  /** Opens `baseUrl/<identity>` (identity percent-encoded), offering OCPP 1.6 by default. */
  static connect(
    baseUrl: string,
    identity: string,
    options: OcppClientOptions = {},
  ): Promise<OcppClient> {
    return OcppClient.connectUrl(
      `${baseUrl.replace(/\/$/, "")}/${encodeURIComponent(identity)}`,
      options,
    );
  }

  /** Opens a connection to an exact URL. */
  static connectUrl(url: string, options: OcppClientOptions = {}): Promise<OcppClient> {
    const socket = new WebSocket(url, [...(options.protocols ?? ["ocpp1.6"])], {
      headers: options.headers,
      perMessageDeflate: false,
      ...options.tls,
    });
    return new Promise((resolve, reject) => {
      socket.once("open", () => resolve(new OcppClient(socket, options.callTimeoutMs ?? 30_000)));
      socket.once("unexpected-response", (_request, response) => {
        reject(new HandshakeRefused(response.statusCode ?? 0));
        socket.terminate();
      });
      socket.once("error", reject);
    });
  }

  /** The negotiated subprotocol ("" when none). */
  get protocol(): string {
    return this.socket.protocol;
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Sends a CALL and resolves with the frame answering it. */
  call(action: string, payload: unknown, messageId = this.newId()): Promise<Frame> {
    const answer = this.answerTo(messageId);
    this.socket.send(callFrame(messageId, action, payload));
    return answer;
  }

  /** Resolves with the frame answering `messageId` (for frames sent with `sendRaw`). */
  answerTo(messageId: string): Promise<Frame> {
    return this.#pending.wait(messageId, this.#timeoutMs);
  }

  /** Answers the central system's calls with `handler` from now on. */
  onCall(handler: CallHandler): void {
    this.#onCall = handler;
  }

  /** Sends any text (or bytes) as one WebSocket message. */
  sendRaw(data: string | Buffer): void {
    this.socket.send(data);
  }

  /** A message id unique across connections and runs (a UUID, OCPP-J's 36 characters), so an audit can match answers to stored events. */
  newId(): string {
    return randomUUID();
  }

  /** Closes cleanly and waits for the close to complete. */
  async close(code = 1000): Promise<void> {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close(code);
    else if (this.socket.readyState === WebSocket.CONNECTING) this.socket.terminate();
    await this.closed;
  }

  /** Drops the connection without a closing handshake, as a power loss would. */
  terminate(): void {
    this.socket.terminate();
  }

  #onMessage(text: string): void {
    const frame = readFrame(text);
    if (!frame) return;
    if (frame.kind === "call") {
      const answer = this.#onCall(frame.action, frame.payload, frame.messageId);
      if (answer.kind === "result")
        this.socket.send(callResultFrame(frame.messageId, answer.payload));
      else if (answer.kind === "error")
        this.socket.send(callErrorFrame(frame.messageId, answer.code, answer.description));
      return;
    }
    if (!this.#pending.settle(frame.messageId, frame)) this.received.push(frame);
  }
}
