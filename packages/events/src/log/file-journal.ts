import { open } from "node:fs/promises";
import type { OutgoingMessage } from "./event-log.js";

/** What was found in a journal file when it was opened. */
export interface JournalContents {
  readonly messages: OutgoingMessage[];
  /** Set when the last line was truncated or corrupt (a crash mid-write): it was cut off, all before kept. */
  readonly repaired?: { readonly line: number; readonly reason: string };
}

/** Raised when a line other than the last is unreadable: the file was damaged, not just cut short. */
export class JournalCorruptError extends Error {}

interface JournalLine {
  readonly m: string;
  readonly p: string;
  readonly d: string;
  /** The key of a keyed append; absent on lines written before keys existed. */
  readonly k?: string;
}

function parseLine(text: string): OutgoingMessage | undefined {
  try {
    const line = JSON.parse(text) as Partial<JournalLine>;
    if (typeof line.m !== "string" || typeof line.p !== "string" || typeof line.d !== "string")
      return undefined;
    const message = { messageId: line.m, producer: line.p, data: Buffer.from(line.d, "base64") };
    return typeof line.k === "string" ? { ...message, key: line.k } : message;
  } catch {
    return undefined;
  }
}

/**
 * An append-only file of stored messages, one JSON line each, behind the in-process log of the
 * all-in-one mode. Each append is written before it is acknowledged (it survives a process crash;
 * without fsync, not a power loss). A last line cut short by a crash is detected and removed.
 */
export class FileJournal {
  readonly #handle: Awaited<ReturnType<typeof open>>;

  private constructor(handle: Awaited<ReturnType<typeof open>>) {
    this.#handle = handle;
  }

  /** Opens (creating if needed) a journal and reads back what it holds. */
  static async open(path: string): Promise<{ journal: FileJournal; contents: JournalContents }> {
    const handle = await open(path, "a+");
    const text = (await handle.readFile()).toString("utf8");
    const lines = text.split("\n");
    const messages: OutgoingMessage[] = [];
    let offset = 0;
    let repaired: JournalContents["repaired"];
    for (let index = 0; index < lines.length; index++) {
      const line = lines[index] as string;
      const isLast = index === lines.length - 1;
      if (line === "" && isLast) break;
      const message = parseLine(line);
      if (!message) {
        if (!isLast) {
          await handle.close();
          throw new JournalCorruptError(
            `${path}: line ${index + 1} is unreadable; refusing to start on a damaged journal`,
          );
        }
        await handle.truncate(offset);
        repaired = { line: index + 1, reason: "last line truncated or corrupt" };
        break;
      }
      messages.push(message);
      offset += Buffer.byteLength(line) + 1;
      if (isLast) await handle.appendFile("\n");
    }
    const contents: JournalContents = repaired ? { messages, repaired } : { messages };
    return { journal: new FileJournal(handle), contents };
  }

  /** Appends one message; resolves once it is written to the file. */
  async append(message: OutgoingMessage): Promise<void> {
    const line: JournalLine = {
      m: message.messageId,
      p: message.producer,
      d: Buffer.from(message.data).toString("base64"),
      ...(message.key === undefined ? {} : { k: message.key }),
    };
    await this.#handle.appendFile(`${JSON.stringify(line)}\n`);
  }

  async close(): Promise<void> {
    await this.#handle.close();
  }
}
