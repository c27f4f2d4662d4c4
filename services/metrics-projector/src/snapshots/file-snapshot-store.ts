import { readFile, rename, writeFile } from "node:fs/promises";
import type { SnapshotStore } from "./snapshot-store.js";

/** The latest snapshot in one file, replaced atomically (write aside, then rename over it). */
export class FileSnapshotStore implements SnapshotStore {
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
  }

  async load(): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.#path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  async save(data: Uint8Array): Promise<void> {
    const aside = `${this.#path}.tmp`;
    await writeFile(aside, data);
    await rename(aside, this.#path);
  }
}
