import { createRequire } from "node:module";

/** What these tests use of an ocpp-rpc client (its own typings require every option). */
export interface RpcClient {
  handle(
    action: string,
    handler: (call: { readonly params?: Record<string, unknown> }) => unknown,
  ): void;
  connect(): Promise<unknown>;
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

/** A strict ocpp-rpc 1.6 client: an independent peer that refuses any schema-invalid call. */
export function strictRpcClient(endpoint: string, identity: string): RpcClient {
  return new rpc.RPCClient({
    endpoint,
    identity,
    protocols: ["ocpp1.6"],
    strictMode: true,
    reconnect: false,
  });
}

/** What a handler returns to send no answer at all. */
export const NO_REPLY = rpc.NOREPLY;
