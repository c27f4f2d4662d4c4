import { WebSocket } from "ws";
import { callFrame, type Frame, parseFrame } from "../rpc/frame.js";

// Answers are read leniently, so a test can see what a server answers to ids OCPP-J forbids.
function readFrame(text: string): Frame | undefined {
  const parsed = parseFrame(text);
  if (parsed.ok) return parsed.frame;
  const value: unknown = JSON.parse(text);
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

/** How a test client connects. */
export interface OcppClientOptions {
  readonly protocols?: readonly string[];
  readonly headers?: Record<string, string>;
}

/** Why a connection attempt failed: the HTTP status of a refused handshake, if any. */
export class HandshakeRefused extends Error {
  constructor(readonly status: number) {
    super(`handshake refused with HTTP ${status}`);
  }
}

/**
 * A charge point for tests: a real WebSocket that sends CALLs and matches their answers by
 * message id, and keeps every other frame it receives for inspection.
 */
export class OcppTestClient {
  readonly socket: WebSocket;
  readonly received: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #waiting = new Map<string, (frame: Frame) => void>();
  #nextId = 0;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    this.closed = new Promise((resolve) => {
      socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    socket.on("message", (data) => {
      const frame = readFrame(data.toString());
      if (!frame) return;
      const waiter = this.#waiting.get(frame.messageId);
      if (waiter) {
        this.#waiting.delete(frame.messageId);
        waiter(frame);
      } else {
        this.received.push(frame);
      }
    });
  }

  /** Opens a connection to `baseUrl/identity` (identity percent-encoded) with OCPP 1.6 by default. */
  static connect(
    baseUrl: string,
    identity: string,
    options: OcppClientOptions = {},
  ): Promise<OcppTestClient> {
    const url = `${baseUrl.replace(/\/$/, "")}/${encodeURIComponent(identity)}`;
    return OcppTestClient.connectUrl(url, options);
  }

  /** Opens a connection to an exact URL. */
  static connectUrl(url: string, options: OcppClientOptions = {}): Promise<OcppTestClient> {
    const socket = new WebSocket(url, [...(options.protocols ?? ["ocpp1.6"])], {
      headers: options.headers,
      perMessageDeflate: false,
    });
    return new Promise((resolve, reject) => {
      socket.once("open", () => resolve(new OcppTestClient(socket)));
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

  /** Sends a CALL and resolves with the frame that answers it. */
  call(action: string, payload: unknown, messageId = this.newId()): Promise<Frame> {
    const answer = this.answerTo(messageId);
    this.socket.send(callFrame(messageId, action, payload));
    return answer;
  }

  /** Resolves with the frame answering `messageId` (for calls sent with `sendRaw`). */
  answerTo(messageId: string): Promise<Frame> {
    return new Promise((resolve, reject) => {
      this.#waiting.set(messageId, resolve);
      this.closed.then(({ code }) =>
        reject(new Error(`closed (${code}) before an answer to ${messageId}`)),
      );
    });
  }

  /** Sends any text (or bytes) as one WebSocket message. */
  sendRaw(data: string | Buffer): void {
    this.socket.send(data);
  }

  newId(): string {
    this.#nextId += 1;
    return `m${this.#nextId}`;
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close(1000);
    await this.closed;
  }
}
