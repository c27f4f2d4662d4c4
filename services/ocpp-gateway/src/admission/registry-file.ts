import { watch } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { ChargePointRegistry, parseRegistry, serializeRegistry } from "./charge-point-registry.js";

/** Reads a registry file; a missing file reads as an empty registry. */
export async function readRegistryFile(
  path: string,
): Promise<{ ok: true; registry: ChargePointRegistry } | { ok: false; error: string }> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      return { ok: true, registry: new ChargePointRegistry([]) };
    return {
      ok: false,
      error: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? "error"}`,
    };
  }
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

/**
 * The registry a gateway admits against, re-read when the file changes or on SIGHUP. A file that
 * no longer parses is reported and the previous registry kept; open sessions are never dropped.
 */
export class LiveRegistry {
  #current: ChargePointRegistry;
  readonly #path: string;
  readonly #report: RegistryReport;
  #close: () => void = () => {};

  private constructor(path: string, initial: ChargePointRegistry, report: RegistryReport) {
    this.#path = path;
    this.#current = initial;
    this.#report = report;
  }

  /** Loads the file (a bad one is an error at start) and follows its changes. */
  static async open(
    path: string,
    report: RegistryReport,
  ): Promise<{ ok: true; registry: LiveRegistry } | { ok: false; error: string }> {
    const first = await readRegistryFile(path);
    if (!first.ok) return first;
    const live = new LiveRegistry(path, first.registry, report);
    try {
      live.#follow();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "error";
      return { ok: false, error: `cannot watch ${dirname(path)} for changes: ${code}` };
    }
    return { ok: true, registry: live };
  }

  get current(): ChargePointRegistry {
    return this.#current;
  }

  /** Re-reads the file now. */
  async reload(): Promise<void> {
    const next = await readRegistryFile(this.#path);
    if (next.ok) {
      this.#current = next.registry;
      this.#report({ ok: true, size: next.registry.size });
    } else {
      this.#report(next);
    }
  }

  stop(): void {
    this.#close();
  }

  #follow(): void {
    let timer: NodeJS.Timeout | undefined;
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void this.reload(), 100);
    };
    // The directory is watched, not the file: an atomic replace swaps the file's inode.
    const watcher = watch(dirname(this.#path), (_event, name) => {
      if (name === basename(this.#path)) soon();
    });
    watcher.on("error", () => {});
    const onHangup = () => soon();
    process.on("SIGHUP", onHangup);
    this.#close = () => {
      clearTimeout(timer);
      watcher.close();
      process.off("SIGHUP", onHangup);
    };
  }
}
