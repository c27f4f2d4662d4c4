import { type FileReport, LiveFile, readFileText, writeFileAtomically } from "@levity/service-kit";
import {
  type ChargePointRegistry,
  parseRegistry,
  serializeRegistry,
} from "./charge-point-registry.js";

const parseRegistryFile = (text: string) => {
  const parsed = parseRegistry(text);
  return parsed.ok ? { ok: true as const, value: parsed.registry } : parsed;
};

/** Reads a registry file; a missing file reads as an empty registry. */
export async function readRegistryFile(
  path: string,
): Promise<{ ok: true; registry: ChargePointRegistry } | { ok: false; error: string }> {
  const read = await readFileText(path);
  if (!read.ok) return read;
  const parsed = parseRegistry(read.text);
  return parsed.ok ? parsed : { ok: false, error: `${path}: ${parsed.error}` };
}

/** Writes a registry file atomically (write aside, rename over), so a reader never sees half of it. */
export async function writeRegistryFile(
  path: string,
  registry: ChargePointRegistry,
): Promise<void> {
  await writeFileAtomically(path, serializeRegistry(registry, path));
}

/** The registry a gateway admits against, followed live (see `LiveFile`). */
export class LiveRegistry {
  readonly #file: LiveFile<ChargePointRegistry>;

  private constructor(file: LiveFile<ChargePointRegistry>) {
    this.#file = file;
  }

  /** Loads the file (a bad one is an error at start) and follows its changes. */
  static async open(
    path: string,
    report: FileReport,
  ): Promise<{ ok: true; registry: LiveRegistry } | { ok: false; error: string }> {
    const opened = await LiveFile.open(path, parseRegistryFile, (r) => r.size, report);
    return opened.ok ? { ok: true, registry: new LiveRegistry(opened.file) } : opened;
  }

  get current(): ChargePointRegistry {
    return this.#file.current;
  }

  /** Calls `listener` with each registry taken from now on; returns how to stop. */
  onChange(listener: (registry: ChargePointRegistry) => void): () => void {
    return this.#file.onChange(listener);
  }

  /** Re-reads the file now; unless forced, does nothing when its text did not change. */
  reload(force = true): Promise<void> {
    return this.#file.reload(force);
  }

  stop(): void {
    this.#file.stop();
  }
}
