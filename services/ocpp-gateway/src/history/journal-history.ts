import { open } from "node:fs/promises";
import type { LevityEvent } from "@levity/events";
import {
  emitMatching,
  type HistoryQuery,
  type HistoryStats,
  prefilterBytes,
} from "./history-query.js";

/** How a read ends: at the end of the file, or never (`--follow`), until `stopped()` says so. */
export interface JournalReadOptions {
  readonly follow: boolean;
  readonly stopped: () => boolean;
  /** How often a followed file is looked at for new lines (ms). */
  readonly pollMs?: number;
}

const CHUNK = 4 * 1024 * 1024;

/**
 * Reads the all-in-one's journal (`<data-dir>/events.jsonl`, one stored message a line) and emits
 * the charge point's events in stored order. The journal has no index: every line is read, but a
 * line is decoded only when its batch contains the charge point's id (a native byte search).
 */
export async function readJournalHistory(
  path: string,
  query: HistoryQuery,
  emit: (event: LevityEvent) => void,
  stats: HistoryStats,
  options: JournalReadOptions,
): Promise<void> {
  stats.method = "journal";
  const needle = prefilterBytes(query.cpId);
  const handle = await open(path, "r");
  try {
    let position = 0;
    let rest = "";
    const buffer = Buffer.alloc(CHUNK);
    while (!options.stopped()) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, position);
      if (bytesRead === 0) {
        if (!options.follow) break;
        await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
        continue;
      }
      position += bytesRead;
      // Lines are ASCII (JSON with base64 data), so a chunk boundary never splits a character.
      const lines = (rest + buffer.toString("latin1", 0, bytesRead)).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) readLine(line, needle, query, emit, stats);
    }
  } finally {
    await handle.close();
  }
}

function readLine(
  line: string,
  needle: Buffer,
  query: HistoryQuery,
  emit: (event: LevityEvent) => void,
  stats: HistoryStats,
): void {
  if (line === "") return;
  stats.messagesRead += 1;
  // The data field is the last string of a line written without a key, or before `"k"`: cut it
  // out without parsing the whole line.
  const start = line.indexOf('"d":"');
  if (start < 0) return;
  const end = line.indexOf('"', start + 5);
  const data = Buffer.from(line.slice(start + 5, end), "base64");
  if (data.indexOf(needle) < 0) return;
  emitMatching(data, query, stats, emit);
}
