import { fileURLToPath } from "node:url";
import { ChildChannel } from "./child-channel.js";
import type { LoadCommand } from "./load-client.js";
import type { LoadProtocol } from "./messages.js";

const CLIENT = fileURLToPath(new URL("./load-client.ts", import.meta.url));

export interface ConnectResult {
  readonly connected: number;
  readonly failed: number;
  readonly seconds: number;
  readonly latency: string;
}

export interface CallsResult {
  readonly calls: number;
  readonly errors: number;
  readonly seconds: number;
  readonly latency: string;
}

/** The bench's side of the load client process. */
export class LoadDriver {
  readonly #channel: ChildChannel<LoadCommand>;

  private constructor(channel: ChildChannel<LoadCommand>) {
    this.#channel = channel;
  }

  static async start(): Promise<LoadDriver> {
    return new LoadDriver(await ChildChannel.fork<LoadCommand>(CLIENT, "load client"));
  }

  get pid(): number {
    return this.#channel.pid;
  }

  #send<T>(command: LoadCommand): Promise<T> {
    return this.#channel.send<T>(command);
  }

  connect(
    url: string,
    prefix: string,
    from: number,
    count: number,
    concurrency: number,
    options: { readonly password?: string; readonly protocol?: LoadProtocol } = {},
  ): Promise<ConnectResult> {
    return this.#send({ cmd: "connect", url, prefix, from, count, concurrency, ...options });
  }

  steady(seconds: number): Promise<CallsResult> {
    return this.#send({ cmd: "steady", seconds });
  }

  /** Calls at a fixed total rate: the steady mix, or Heartbeats only. */
  paced(
    seconds: number,
    perSecond: number,
    mix: "steady" | "heartbeat" = "steady",
  ): Promise<CallsResult> {
    return this.#send({ cmd: "paced", seconds, perSecond, mix });
  }

  async close(): Promise<void> {
    await this.#send({ cmd: "close" });
  }

  stop(): Promise<void> {
    return this.#channel.stop();
  }
}
