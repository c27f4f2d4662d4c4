import { type FSWatcher, watch } from "node:fs";
import { readFile, realpath, rename, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import {
  type ChargePointRegistry,
  parseRegistry,
  serializeRegistry,
} from "./charge-point-registry.js";

/** Reads a registry file; a missing file reads as an empty registry. */
export async function readRegistryFile(
  path: string,
): Promise<{ ok: true; registry: ChargePointRegistry } | { ok: false; error: string }> {
  const read = await readRegistryText(path);
  return read.ok ? parseRegistryText(path, read.text) : read;
}

async function readRegistryText(
  path: string,
): Promise<{ ok: true; text: string } | { ok: false; error: string }> {
  try {
    return { ok: true, text: await readFile(path, "utf8") };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { ok: true, text: "" };
    return {
      ok: false,
      error: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? "error"}`,
    };
  }
}

function parseRegistryText(
  path: string,
  text: string,
): { ok: true; registry: ChargePointRegistry } | { ok: false; error: string } {
  const parsed = parseRegistry(text);
  return parsed.ok ? parsed : { ok: false, error: `${path}: ${parsed.error}` };
}

/** Writes a registry file atomically (write aside, rename over), so a reader never sees half of it. */
export async function writeRegistryFile(
  path: string,
  registry: ChargePointRegistry,
): Promise<void> {
  const aside = join(dirname(path), `.${basename(path)}.tmp`);
  await writeFile(aside, serializeRegistry(registry, path), { mode: 0o600 });
  await rename(aside, path);
}

/** What a reload found: how many charge points, or why the file was not taken. */
export type RegistryReport = (
  event: { ok: true; size: number } | { ok: false; error: string },
) => void;

// How often the file is read to catch a change no watch event announced (a symlink whose target
// changed elsewhere, a filesystem without notifications): the longest a change goes unnoticed.
export const REGISTRY_POLL_MS = 2_000;
// Events of one change (a write, then a rename) are gathered for this long before reading.
const SETTLE_MS = 100;

/**
 * The registry a gateway admits against, re-read when the file changes or on SIGHUP. A file that
 * no longer parses is reported and the previous registry kept. Listeners hear of each registry
 * taken, so sessions it no longer admits can be ended.
 *
 * Changes are noticed by watching the file's directory (an atomic replace swaps the file's inode;
 * a Kubernetes ConfigMap swaps a `..data` symlink beside it) and the directory of the file it
 * resolves to, and by reading it every `REGISTRY_POLL_MS`; it is parsed only when its text changed.
 */
export class LiveRegistry {
  #current: ChargePointRegistry;
  #text: string;
  readonly #path: string;
  readonly #report: RegistryReport;
  readonly #listeners = new Set<(registry: ChargePointRegistry) => void>();
  readonly #watchers = new Map<string, FSWatcher>();
  #timer: NodeJS.Timeout | undefined;
  #poll: NodeJS.Timeout | undefined;
  #stopped = false;
  readonly #onHangup = () => this.#soon(true);

  private constructor(
    path: string,
    initial: ChargePointRegistry,
    text: string,
    report: RegistryReport,
  ) {
    this.#path = path;
    this.#current = initial;
    this.#text = text;
    this.#report = report;
  }

  /** Loads the file (a bad one is an error at start) and follows its changes. */
  static async open(
    path: string,
    report: RegistryReport,
  ): Promise<{ ok: true; registry: LiveRegistry } | { ok: false; error: string }> {
    const read = await readRegistryText(path);
    if (!read.ok) return read;
    const first = parseRegistryText(path, read.text);
    if (!first.ok) return first;
    const live = new LiveRegistry(path, first.registry, read.text, report);
    try {
      live.#watch(dirname(path));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "error";
      return { ok: false, error: `cannot watch ${dirname(path)} for changes: ${code}` };
    }
    await live.#watchTarget();
    live.#poll = setInterval(() => void live.reload(false), REGISTRY_POLL_MS);
    live.#poll.unref();
    process.on("SIGHUP", live.#onHangup);
    return { ok: true, registry: live };
  }

  get current(): ChargePointRegistry {
    return this.#current;
  }

  /** Calls `listener` with each registry taken from now on; returns how to stop. */
  onChange(listener: (registry: ChargePointRegistry) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Re-reads the file now; unless forced, does nothing when its text did not change. */
  async reload(force = true): Promise<void> {
    const read = await readRegistryText(this.#path);
    if (this.#stopped) return;
    if (!read.ok) {
      this.#report(read);
      return;
    }
    if (!force && read.text === this.#text) return;
    this.#text = read.text;
    await this.#watchTarget();
    const next = parseRegistryText(this.#path, read.text);
    if (!next.ok) {
      this.#report(next);
      return;
    }
    this.#current = next.registry;
    this.#report({ ok: true, size: next.registry.size });
    for (const listener of this.#listeners) listener(next.registry);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearInterval(this.#poll);
    for (const watcher of this.#watchers.values()) watcher.close();
    this.#watchers.clear();
    process.off("SIGHUP", this.#onHangup);
  }

  #soon(force: boolean): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.reload(force), SETTLE_MS);
  }

  #watch(directory: string): void {
    if (this.#watchers.has(directory)) return;
    const watcher = watch(directory, () => this.#soon(false));
    // A watched directory that disappears (an old ConfigMap revision) is simply no longer watched.
    watcher.on("error", () => {
      watcher.close();
      this.#watchers.delete(directory);
    });
    this.#watchers.set(directory, watcher);
  }

  /** Also watches where the path leads, when it is a symlink into another directory. */
  async #watchTarget(): Promise<void> {
    try {
      this.#watch(dirname(await realpath(this.#path)));
    } catch {
      // No file (an empty registry) or a directory that cannot be watched: the poll still reads it.
    }
  }
}
