import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { LoadCommand } from "./load-client.js";

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
  readonly #child: ChildProcess;

  private constructor(child: ChildProcess) {
    this.#child = child;
  }

  static async start(): Promise<LoadDriver> {
    const child = fork(CLIENT, [], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    await once(child, "message");
    return new LoadDriver(child);
  }

  get pid(): number {
    return this.#child.pid ?? 0;
  }

  async #send<T>(command: LoadCommand): Promise<T> {
    const reply = once(this.#child, "message");
    const exited = once(this.#child, "exit").then(([code]) => {
      throw new Error(`the load client exited (${code}) during ${command.cmd}`);
    });
    this.#child.send(command);
    return (await Promise.race([reply, exited]))[0] as T;
  }

  connect(
    url: string,
    prefix: string,
    from: number,
    count: number,
    concurrency: number,
  ): Promise<ConnectResult> {
    return this.#send({ cmd: "connect", url, prefix, from, count, concurrency });
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

  async stop(): Promise<void> {
    this.#child.kill();
    if (this.#child.exitCode === null) await once(this.#child, "exit");
  }
}
