import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { AbuseCommand, AbuseStats } from "./abuse-client.js";

const CLIENT = fileURLToPath(new URL("./abuse-client.ts", import.meta.url));

/** The bench's side of the abusive-clients process. */
export class AbuseDriver {
  readonly #child: ChildProcess;

  private constructor(child: ChildProcess) {
    this.#child = child;
  }

  /** Forks the abuse process and waits until it is ready for commands. */
  static async start(): Promise<AbuseDriver> {
    const child = fork(CLIENT, [], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    await once(child, "message");
    return new AbuseDriver(child);
  }

  get pid(): number {
    return this.#child.pid ?? 0;
  }

  async #send<T>(command: AbuseCommand): Promise<T> {
    const reply = once(this.#child, "message");
    this.#child.send(command);
    return (await reply)[0] as T;
  }

  /** Starts `clients` abusers on `url` (the gateway's /ocpp base URL); they run until `finish`. */
  async begin(url: string, clients: number): Promise<void> {
    await this.#send({ cmd: "start", url, clients });
  }

  /** Stops the abusers after their current round and reports what they did. */
  finish(): Promise<AbuseStats> {
    return this.#send({ cmd: "stop" });
  }

  async stop(): Promise<void> {
    this.#child.kill();
    if (this.#child.exitCode === null) await once(this.#child, "exit");
  }
}
