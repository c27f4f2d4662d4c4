import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";

/**
 * A forked TypeScript process (load or abuse clients) that says it is ready with one message,
 * then answers each command with one message. Load runs apart from the bench so that its CPU is
 * measured on its own.
 */
export class ChildChannel<Command extends { readonly cmd: string }> {
  readonly #child: ChildProcess;
  readonly #name: string;

  private constructor(child: ChildProcess, name: string) {
    this.#child = child;
    this.#name = name;
  }

  /** Forks `script` (a .ts file, run with tsx) and waits until it is ready for commands. */
  static async fork<C extends { readonly cmd: string }>(
    script: string,
    name: string,
  ): Promise<ChildChannel<C>> {
    const child = fork(script, [], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    await once(child, "message");
    return new ChildChannel<C>(child, name);
  }

  get pid(): number {
    return this.#child.pid ?? 0;
  }

  /** Sends a command and resolves with its answer; rejects if the process exits first. */
  async send<T>(command: Command): Promise<T> {
    const reply = once(this.#child, "message");
    const exited = once(this.#child, "exit").then(([code]) => {
      throw new Error(`the ${this.#name} exited (${code}) during ${command.cmd}`);
    });
    this.#child.send(command);
    return (await Promise.race([reply, exited]))[0] as T;
  }

  async stop(): Promise<void> {
    this.#child.kill();
    if (this.#child.exitCode === null) await once(this.#child, "exit");
  }
}
