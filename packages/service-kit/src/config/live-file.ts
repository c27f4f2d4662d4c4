import { type FSWatcher, watch } from "node:fs";
import { readFile, realpath, rename, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Reads a file's text into a value, or says in one line why it cannot. */
export type FileParser<T> = (text: string) => { ok: true; value: T } | { ok: false; error: string };

/** What a reload found: the value taken (and its size, for the log), or why the file was not taken. */
export type FileReport = (event: { ok: true; size: number } | { ok: false; error: string }) => void;

// How often the file is read to catch a change no watch event announced (a symlink whose target
// changed elsewhere, a filesystem without notifications): the longest a change goes unnoticed.
export const LIVE_FILE_POLL_MS = 2_000;
// Events of one change (a write, then a rename) are gathered for this long before reading.
const SETTLE_MS = 100;

/** Reads a file's text; a missing file reads as empty. */
export async function readFileText(
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

/** Writes a file atomically (write aside, rename over), readable by its owner only. */
export async function writeFileAtomically(path: string, text: string): Promise<void> {
  const aside = join(dirname(path), `.${basename(path)}.tmp`);
  await writeFile(aside, text, { mode: 0o600 });
  await rename(aside, path);
}

/**
 * A configuration file followed while the process runs: re-read when it changes or on SIGHUP. A
 * version that no longer parses is reported and the previous value kept. Listeners hear of each
 * value taken.
 *
 * Changes are noticed by watching the file's directory (an atomic replace swaps the file's inode;
 * a Kubernetes ConfigMap swaps a `..data` symlink beside it) and the directory of the file it
 * resolves to, and by reading it every `LIVE_FILE_POLL_MS`; it is parsed only when its text changed.
 */
export class LiveFile<T> {
  #current: T;
  #text: string;
  readonly #path: string;
  readonly #parse: FileParser<T>;
  readonly #size: (value: T) => number;
  readonly #report: FileReport;
  readonly #listeners = new Set<(value: T) => void>();
  readonly #watchers = new Map<string, FSWatcher>();
  #timer: NodeJS.Timeout | undefined;
  #poll: NodeJS.Timeout | undefined;
  #stopped = false;
  readonly #onHangup = () => this.#soon(true);

  private constructor(
    path: string,
    parse: FileParser<T>,
    size: (value: T) => number,
    initial: { value: T; text: string },
    report: FileReport,
  ) {
    this.#path = path;
    this.#parse = parse;
    this.#size = size;
    this.#current = initial.value;
    this.#text = initial.text;
    this.#report = report;
  }

  /** Loads the file (one that does not parse is an error at start) and follows its changes. */
  static async open<T>(
    path: string,
    parse: FileParser<T>,
    size: (value: T) => number,
    report: FileReport,
  ): Promise<{ ok: true; file: LiveFile<T> } | { ok: false; error: string }> {
    const read = await readFileText(path);
    if (!read.ok) return read;
    const first = parse(read.text);
    if (!first.ok) return { ok: false, error: `${path}: ${first.error}` };
    const live = new LiveFile(path, parse, size, { value: first.value, text: read.text }, report);
    try {
      live.#watch(dirname(path));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "error";
      return { ok: false, error: `cannot watch ${dirname(path)} for changes: ${code}` };
    }
    await live.#watchTarget();
    live.#poll = setInterval(() => void live.reload(false), LIVE_FILE_POLL_MS);
    live.#poll.unref();
    process.on("SIGHUP", live.#onHangup);
    return { ok: true, file: live };
  }

  get current(): T {
    return this.#current;
  }

  /** Calls `listener` with each value taken from now on; returns how to stop. */
  onChange(listener: (value: T) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Re-reads the file now; unless forced, does nothing when its text did not change. */
  async reload(force = true): Promise<void> {
    const read = await readFileText(this.#path);
    if (this.#stopped) return;
    if (!read.ok) {
      this.#report(read);
      return;
    }
    if (!force && read.text === this.#text) return;
    this.#text = read.text;
    await this.#watchTarget();
    const next = this.#parse(read.text);
    if (!next.ok) {
      this.#report({ ok: false, error: `${this.#path}: ${next.error}` });
      return;
    }
    this.#current = next.value;
    this.#report({ ok: true, size: this.#size(next.value) });
    for (const listener of this.#listeners) listener(next.value);
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
      // No file (an empty one) or a directory that cannot be watched: the poll still reads it.
    }
  }
}
