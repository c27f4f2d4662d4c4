import { createRequire } from "node:module";

/** What these tests use of an ocpp-rpc client (its own typings require every option). */
export interface RpcClient {
  handle(
    action: string,
    handler: (call: { readonly params?: Record<string, unknown> }) => unknown,
  ): void;
  connect(): Promise<unknown>;
  call(action: string, params: unknown): Promise<unknown>;
  /** The subprotocol the server chose. */
  readonly protocol: string | undefined;
  close(): Promise<unknown>;
  once(event: "close", listener: (info: { readonly code: number }) => void): void;
}

const require = createRequire(import.meta.url);
const rpc = require("ocpp-rpc") as {
  RPCClient: new (options: {
    readonly endpoint: string;
    readonly identity: string;
    readonly protocols: readonly string[];
    readonly strictMode: boolean;
    readonly reconnect: boolean;
  }) => RpcClient;
  NOREPLY: symbol;
};

/**
 * A strict ocpp-rpc client (1.6 unless told otherwise): an independent peer that refuses any
 * schema-invalid call or answer.
 */
export function strictRpcClient(
  endpoint: string,
  identity: string,
  protocols: readonly string[] = ["ocpp1.6"],
): RpcClient {
  return new rpc.RPCClient({
    endpoint,
    identity,
    protocols,
    strictMode: true,
    reconnect: false,
  });
}

/** What a handler returns to send no answer at all. */
export const NO_REPLY = rpc.NOREPLY;
