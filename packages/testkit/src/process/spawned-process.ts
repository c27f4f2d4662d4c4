import { type ChildProcess, spawn } from "node:child_process";

/** How a child process ended. */
export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Options of `spawnProcess`. */
export interface SpawnOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Print the child's output as it comes (for debugging a test). */
  readonly echo?: boolean;
  /** Text written to the child's standard input, which is then closed. */
  readonly input?: string;
}

/** A child process under test, with its output kept for assertions and waits. */
export class SpawnedProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<ExitStatus>;
  #output = "";
  readonly #listeners = new Set<() => void>();

  constructor(command: string, args: readonly string[], options: SpawnOptions = {}) {
    this.child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    if (options.input !== undefined) this.child.stdin?.end(options.input);
    const collect = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      if (options.echo) process.stderr.write(text);
      this.#output += text;
      for (const listener of this.#listeners) listener();
    };
    this.child.stdout?.on("data", collect);
    this.child.stderr?.on("data", collect);
    this.exited = new Promise((resolve) => {
      this.child.on("exit", (code, signal) => {
        for (const listener of this.#listeners) listener();
        resolve({ code, signal });
      });
      this.child.on("error", (error) => {
        this.#output += `\nspawn error: ${error.message}\n`;
        resolve({ code: -1, signal: null });
      });
    });
  }

  /** Everything the process wrote to stdout and stderr so far. */
  get output(): string {
    return this.#output;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first match of `pattern` in the output; rejects if the process exits first. */
  waitForOutput(pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = this.#output.match(pattern);
        if (match) return finish(() => resolve(match));
        if (!this.running) {
          finish(() => reject(new Error(`process exited before ${pattern}:\n${this.tail()}`)));
        }
      };
      const timer = setTimeout(
        () =>
          finish(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${this.tail()}`))),
        timeoutMs,
      );
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.#listeners.delete(check);
        settle();
      };
      this.#listeners.add(check);
      check();
    });
  }

  /** Sends `signal` and waits for the process to exit. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<ExitStatus> {
    if (this.running) this.child.kill(signal);
    return this.exited;
  }

  /** The last lines of output, for error messages. */
  tail(lines = 30): string {
    return this.#output.split("\n").slice(-lines).join("\n");
  }
}

/** Starts a child process; see `SpawnedProcess`. */
export function spawnProcess(
  command: string,
  args: readonly string[],
  options?: SpawnOptions,
): SpawnedProcess {
  return new SpawnedProcess(command, args, options);
}
