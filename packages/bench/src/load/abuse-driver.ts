import { fileURLToPath } from "node:url";
import type { AbuseCommand, AbuseStats } from "./abuse-client.js";
import { ChildChannel } from "./child-channel.js";

const CLIENT = fileURLToPath(new URL("./abuse-client.ts", import.meta.url));

/** The bench's side of the abusive-clients process. */
export class AbuseDriver {
  readonly #channel: ChildChannel<AbuseCommand>;

  private constructor(channel: ChildChannel<AbuseCommand>) {
    this.#channel = channel;
  }

  /** Forks the abuse process and waits until it is ready for commands. */
  static async start(): Promise<AbuseDriver> {
    return new AbuseDriver(await ChildChannel.fork<AbuseCommand>(CLIENT, "abuse client"));
  }

  get pid(): number {
    return this.#channel.pid;
  }

  #send<T>(command: AbuseCommand): Promise<T> {
    return this.#channel.send<T>(command);
  }

  /** Starts `clients` abusers on `url` (the gateway's /ocpp base URL); they run until `finish`. */
  async begin(url: string, clients: number): Promise<void> {
    await this.#send({ cmd: "start", url, clients });
  }

  /** Stops the abusers after their current round and reports what they did. */
  finish(): Promise<AbuseStats> {
    return this.#send({ cmd: "stop" });
  }

  stop(): Promise<void> {
    return this.#channel.stop();
  }
}
