import { accessSync, constants } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { freePort } from "../free-port.js";
import { type SpawnedProcess, spawnProcess } from "../process/spawned-process.js";

/** Options of a nats-server started by a test. */
export interface NatsServerOptions {
  /** Port to listen on; a free one when absent. Reuse a port to restart "the same" server. */
  readonly port?: number;
  /** JetStream store directory; a fresh temporary one when absent. */
  readonly storeDir?: string;
  /** Extra command-line arguments. */
  readonly args?: readonly string[];
}

const WELL_KNOWN_DIRS = ["/usr/sbin", "/usr/local/sbin", "/usr/local/bin", "/usr/bin"];

/** The path of a `nats-server` binary on PATH or where Debian puts it, if any. */
export function findNatsServerBinary(): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), ...WELL_KNOWN_DIRS];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, "nats-server");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** A nats-server with JetStream, owned by one test suite, that can be killed and restarted. */
export class NatsServerProcess {
  readonly port: number;
  readonly storeDir: string;
  readonly #binary: string;
  readonly #args: readonly string[];
  readonly #ownsStoreDir: boolean;
  #process: SpawnedProcess | undefined;

  private constructor(
    binary: string,
    port: number,
    storeDir: string,
    owns: boolean,
    args: readonly string[],
  ) {
    this.#binary = binary;
    this.port = port;
    this.storeDir = storeDir;
    this.#ownsStoreDir = owns;
    this.#args = args;
  }

  /** Starts a server and resolves once it accepts clients. */
  static async start(options: NatsServerOptions = {}): Promise<NatsServerProcess> {
    const binary = findNatsServerBinary();
    if (!binary)
      throw new Error("nats-server not found: install it (apt-get install -y nats-server)");
    const port = options.port ?? (await freePort());
    const storeDir = options.storeDir ?? (await mkdtemp(join(tmpdir(), "levity-nats-")));
    const server = new NatsServerProcess(
      binary,
      port,
      storeDir,
      !options.storeDir,
      options.args ?? [],
    );
    await server.restart();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** The server process's pid, while it runs. */
  get pid(): number | undefined {
    return this.#process?.pid;
  }

  get running(): boolean {
    return this.#process?.running ?? false;
  }

  /** (Re)starts the process on the same port and store directory. */
  async restart(): Promise<void> {
    if (this.running) throw new Error("nats-server is already running");
    const args = [
      "-js",
      "-a",
      "127.0.0.1",
      "-p",
      String(this.port),
      "-sd",
      this.storeDir,
      ...this.#args,
    ];
    this.#process = spawnProcess(this.#binary, args);
    await this.#process.waitForOutput(/Server is ready/);
  }

  /** Stops the server gracefully (SIGTERM). */
  async stop(): Promise<void> {
    await this.#process?.stop("SIGTERM");
  }

  /** Kills the server without letting it flush (SIGKILL), as a crash would. */
  async kill(): Promise<void> {
    await this.#process?.stop("SIGKILL");
  }

  /** Freezes the server (SIGSTOP): sockets stay open, nothing is answered, as in a long GC or VM pause. */
  pause(): void {
    this.#process?.child.kill("SIGSTOP");
  }

  /** Lets a paused server run again (SIGCONT). */
  resume(): void {
    this.#process?.child.kill("SIGCONT");
  }

  /** Stops the server and removes a store directory it created. */
  async dispose(): Promise<void> {
    this.resume();
    await this.stop();
    if (this.#ownsStoreDir) await rm(this.storeDir, { recursive: true, force: true });
  }
}
