import type { AddressInfo } from "node:net";
import {
  callFrame,
  callResultFrame,
  OCPP16,
  OCPP201,
  type OcppProtocol,
  parseFrame,
} from "@levity/ocpp";
import { type WebSocket, WebSocketServer } from "ws";

/** A call a charge point made, with the number of its connection (1 for its first). */
export interface ReceivedCall {
  readonly identity: string;
  readonly connection: number;
  readonly action: string;
  readonly payload: Record<string, unknown>;
}

interface Connection {
  readonly socket: WebSocket;
  readonly protocol: OcppProtocol;
}

const PROTOCOLS: ReadonlyMap<string, OcppProtocol> = new Map([
  [OCPP16.subprotocol, OCPP16],
  [OCPP201.subprotocol, OCPP201],
]);

/** Listens on `port` (a free one for 0), agreeing on 1.6 or 2.0.1. */
async function listen(port: number): Promise<WebSocketServer> {
  const server = new WebSocketServer({
    port,
    host: "127.0.0.1",
    handleProtocols: (offered) => [...offered].find((p) => PROTOCOLS.has(p)) ?? false,
  });
  await new Promise((resolve) => server.once("listening", resolve));
  return server;
}

/**
 * A small OCPP-J central system on a free port: it accepts 1.6 and 2.0.1, answers every call as a
 * permissive server would, keeps the calls in the order they came, sends commands, and notes every
 * call or answer of the charge points that does not match its schema. It can cut a charge point
 * off, and go down and come back on the same port, remembering what it saw.
 */
export class FakeCentralSystem {
  readonly received: ReceivedCall[] = [];
  readonly invalid: string[] = [];
  readonly #port: number;
  #server: WebSocketServer;
  readonly #connections = new Map<string, Connection[]>();
  readonly #answers = new Map<string, (payload: Record<string, unknown>) => void>();
  readonly #held = new Map<string, () => void>();
  #nextId = 0;
  #nextTransactionId = 100;

  private constructor(server: WebSocketServer) {
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
    this.#accept(server);
  }

  static async start(): Promise<FakeCentralSystem> {
    return new FakeCentralSystem(await listen(0));
  }

  get url(): string {
    return `ws://127.0.0.1:${this.#port}`;
  }

  /** How many connections a charge point opened. */
  connections(identity: string): number {
    return this.#connections.get(identity)?.length ?? 0;
  }

  /** Ends a charge point's newest connection abruptly, without a close handshake. */
  cutOff(identity: string): void {
    const connection = this.#connections.get(identity)?.at(-1);
    if (!connection) throw new Error(`${identity} never connected`);
    connection.socket.terminate();
  }

  /** Comes back up on its port after `close`, remembering what it saw before. */
  async restart(): Promise<void> {
    this.#server = await listen(this.#port);
    this.#accept(this.#server);
  }

  /** The calls of a charge point, of one action if given, in order. */
  calls(identity: string, action?: string): ReceivedCall[] {
    return this.received.filter(
      (call) => call.identity === identity && (action === undefined || call.action === action),
    );
  }

  /**
   * Leaves the charge point's next call of `action` unanswered; resolves when it arrives. Its
   * answer never comes: the charge point sees a timeout or the connection close.
   */
  hold(identity: string, action: string): Promise<void> {
    return new Promise((resolve) => this.#held.set(`${identity} ${action}`, resolve));
  }

  /** Sends a command on the charge point's newest connection; resolves with its answer's payload. */
  command(
    identity: string,
    action: string,
    payload: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const connection = this.#connections.get(identity)?.at(-1);
    if (!connection) throw new Error(`${identity} never connected`);
    const messageId = `cs-${++this.#nextId}`;
    return new Promise((resolve) => {
      this.#answers.set(messageId, (answer) => {
        const violation = connection.protocol.commands.validateResponse(action, answer);
        if (violation) this.invalid.push(`${identity} ${action} answer: ${violation.message}`);
        resolve(answer);
      });
      connection.socket.send(callFrame(messageId, action, payload));
    });
  }

  /** Goes down as a crashed server does: every connection ends abruptly, and connecting fails. */
  close(): Promise<void> {
    for (const client of this.#server.clients) client.terminate();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #accept(server: WebSocketServer): void {
    server.on("connection", (socket, request) => {
      const identity = decodeURIComponent(request.url?.split("/").pop() ?? "");
      const protocol = PROTOCOLS.get(socket.protocol) ?? OCPP16;
      const connections = this.#connections.get(identity) ?? [];
      connections.push({ socket, protocol });
      this.#connections.set(identity, connections);
      const connection = connections.length;
      socket.on("message", (data) =>
        this.#onFrame(identity, connection, protocol, socket, `${data}`),
      );
    });
  }

  #onFrame(
    identity: string,
    connection: number,
    protocol: OcppProtocol,
    socket: WebSocket,
    text: string,
  ): void {
    const parsed = parseFrame(text);
    if (!parsed.ok) {
      this.invalid.push(`${identity} sent a bad frame: ${text}`);
      return;
    }
    const { frame } = parsed;
    if (frame.kind === "result") {
      this.#answers.get(frame.messageId)?.(frame.payload as Record<string, unknown>);
      this.#answers.delete(frame.messageId);
      return;
    }
    if (frame.kind !== "call") return;
    const payload = frame.payload as Record<string, unknown>;
    const violation = protocol.validator.validateRequest(frame.action, payload);
    if (violation) this.invalid.push(`${identity} ${frame.action}: ${violation.message}`);
    this.received.push({ identity, connection, action: frame.action, payload });
    const held = this.#held.get(`${identity} ${frame.action}`);
    if (held) {
      this.#held.delete(`${identity} ${frame.action}`);
      held();
      return;
    }
    socket.send(callResultFrame(frame.messageId, this.#answer(protocol, frame.action)));
  }

  #answer(protocol: OcppProtocol, action: string): Record<string, unknown> {
    const currentTime = new Date().toISOString();
    switch (action) {
      case "BootNotification":
        return { status: "Accepted", currentTime, interval: 300 };
      case "Heartbeat":
        return { currentTime };
      case "Authorize":
        return protocol === OCPP16
          ? { idTagInfo: { status: "Accepted" } }
          : { idTokenInfo: { status: "Accepted" } };
      case "StartTransaction":
        return { transactionId: ++this.#nextTransactionId, idTagInfo: { status: "Accepted" } };
      case "StopTransaction":
        return { idTagInfo: { status: "Accepted" } };
      default:
        return {};
    }
  }
}
