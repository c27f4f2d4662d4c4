import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";

/** A call a charge point made, as the server received it (only schema-valid ones reach here). */
export interface ReceivedCall {
  readonly identity: string;
  readonly protocol: string;
  readonly method: string;
  readonly params: Record<string, unknown>;
}

/** What these tests use of an ocpp-rpc server's connection to one charge point. */
export interface RpcServerClient {
  readonly identity: string;
  readonly protocol: string;
  call(method: string, params: Record<string, unknown>): Promise<Record<string, unknown>>;
  handle(handler: (call: { method: string; params: Record<string, unknown> }) => unknown): void;
  on(event: "strictValidationFailure", listener: (failure: { method: string }) => void): void;
}

interface RpcServer {
  auth(
    callback: (
      accept: (session?: Record<string, unknown>) => void,
      reject: (code: number, message: string) => void,
      handshake: { readonly identity: string; readonly protocols: Set<string> },
    ) => void,
  ): void;
  on(event: "client", listener: (client: RpcServerClient) => void): void;
  listen(port: number, host?: string): Promise<{ address(): AddressInfo | string | null }>;
  close(options: { force?: boolean }): Promise<void>;
}

// Typed here by the little the tests use of it: its own typings require every option.
const require = createRequire(import.meta.url);
const rpc = require("ocpp-rpc") as {
  RPCServer: new (options: {
    readonly protocols: readonly string[];
    readonly strictMode: boolean;
  }) => RpcServer;
};

/** Answers every call a charge point makes, in its protocol, as a permissive server would. */
function answer(protocol: string, method: string): Record<string, unknown> {
  const currentTime = new Date().toISOString();
  switch (method) {
    case "BootNotification":
      return { status: "Accepted", currentTime, interval: 300 };
    case "Heartbeat":
      return { currentTime };
    case "Authorize":
      return protocol === "ocpp1.6"
        ? { idTagInfo: { status: "Accepted" } }
        : { idTokenInfo: { status: "Accepted" } };
    case "StartTransaction":
      return { transactionId: 1, idTagInfo: { status: "Accepted" } };
    case "StopTransaction":
      return { idTagInfo: { status: "Accepted" } };
    default:
      return {};
  }
}

/**
 * An independent OCPP server (ocpp-rpc in strict mode: every call it receives and every answer to
 * its own calls is checked against the schemas of the negotiated protocol) on a free port. It
 * keeps the calls it received, the subprotocols each charge point offered, and every call that
 * failed its strict checks.
 */
export class StrictRpcServer {
  readonly received: ReceivedCall[] = [];
  readonly offered = new Map<string, string[]>();
  readonly strictFailures: string[] = [];
  readonly clients = new Map<string, RpcServerClient>();
  readonly #server: RpcServer;
  #port = 0;

  private constructor(protocols: readonly string[]) {
    this.#server = new rpc.RPCServer({ protocols, strictMode: true });
    this.#server.auth((accept, _reject, handshake) => {
      this.offered.set(handshake.identity, [...handshake.protocols]);
      accept();
    });
    this.#server.on("client", (client) => {
      this.clients.set(client.identity, client);
      client.on("strictValidationFailure", (failure) => {
        this.strictFailures.push(`${client.identity} ${failure.method}`);
      });
      client.handle(({ method, params }) => {
        this.received.push({
          identity: client.identity,
          protocol: client.protocol,
          method,
          params,
        });
        return answer(client.protocol, method);
      });
    });
  }

  static async start(protocols: readonly string[]): Promise<StrictRpcServer> {
    const server = new StrictRpcServer(protocols);
    const http = await server.#server.listen(0, "127.0.0.1");
    server.#port = (http.address() as AddressInfo).port;
    return server;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.#port}`;
  }

  /** The calls one charge point made of one action, in order. */
  calls(identity: string, method: string): Record<string, unknown>[] {
    return this.received
      .filter((call) => call.identity === identity && call.method === method)
      .map((call) => call.params);
  }

  /** The newest connection of a charge point (it may have reconnected). */
  client(identity: string): RpcServerClient {
    const client = this.clients.get(identity);
    if (!client) throw new Error(`${identity} is not connected`);
    return client;
  }

  close(): Promise<void> {
    return this.#server.close({ force: true });
  }
}
