import { encodeSubjectToken, subjectSpace } from "@levity/events";
import { type JetStreamManager, RetentionPolicy, StorageType } from "@nats-io/jetstream";
import { isJetStreamError, JETSTREAM_ERRORS } from "../jetstream/api-errors.js";

// The history index (docs/history.md): subjects of the event stream name producers, not charge
// points, so finding one charger's events would mean reading every message. A second stream holds,
// for each (event-stream message, charge point with events in it), a tiny entry under a subject
// naming the charge point, linked to that charge point's previous entry: a reader gets the last
// entry of the subject, walks back through `prev` by sequence, and fetches only the messages named.

/** Where the index of one event stream lives. */
export interface HistoryIndexNames {
  /** The index stream: `<stream>_INDEX`. */
  readonly stream: string;
  /** The subject of one charge point's entries: `<prefix>.index.<cp token>`. */
  subject(cpId: string): string;
  /** Every charge point's entries. */
  readonly allEntries: string;
  /** Where the indexer records the event-stream sequence it has indexed through. */
  readonly progress: string;
}

/** One entry: a message of the event stream holding events of the entry's charge point. */
export interface IndexEntry {
  /** The event-stream sequence of the message. */
  readonly seq: number;
  /** The `ts` of that charge point's first event in it (unix ms). */
  readonly ts: number;
  /** The index-stream sequence of the charge point's previous entry: 0 when it has none, -1 when unknown. */
  readonly prev: number;
}

export function historyIndexNames(stream: string, subjectPrefix = "ocpp"): HistoryIndexNames {
  subjectSpace(subjectPrefix); // validates the prefix the same way
  return {
    stream: `${stream}_INDEX`,
    subject: (cpId) => `${subjectPrefix}.index.${encodeSubjectToken(cpId)}`,
    allEntries: `${subjectPrefix}.index.*`,
    progress: `${subjectPrefix}.indexed`,
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeIndexEntry(entry: IndexEntry): Uint8Array {
  return encoder.encode(`{"seq":${entry.seq},"ts":${entry.ts},"prev":${entry.prev}}`);
}

/** Reads an entry, or a progress record (`{seq, ts}`: `prev` 0); undefined when malformed. */
export function decodeIndexEntry(data: Uint8Array): IndexEntry | undefined {
  try {
    const value = JSON.parse(decoder.decode(data)) as {
      seq?: unknown;
      ts?: unknown;
      prev?: unknown;
    };
    if (typeof value.seq !== "number" || !Number.isSafeInteger(value.seq)) return undefined;
    return {
      seq: value.seq,
      ts: typeof value.ts === "number" ? value.ts : 0,
      prev: typeof value.prev === "number" && Number.isSafeInteger(value.prev) ? value.prev : 0,
    };
  } catch {
    return undefined;
  }
}

/**
 * The charge points with events in one stored batch and the `ts` of each one's first event. The
 * batch is parsed but not validated (the reader validates what it prints): indexing must keep up
 * with every gateway at a fraction of the projector's cost. A malformed message gives no entry.
 */
export function chargePointsIn(data: Uint8Array): Map<string, number> {
  const found = new Map<string, number>();
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(data));
  } catch {
    return found;
  }
  const events = (value as { events?: unknown }).events;
  if (!Array.isArray(events)) return found;
  for (const event of events) {
    const { cpId, ts } = (event ?? {}) as { cpId?: unknown; ts?: unknown };
    if (typeof cpId !== "string" || cpId.length === 0 || found.has(cpId)) continue;
    found.set(cpId, typeof ts === "number" ? ts : 0);
  }
  return found;
}

const NANOS_PER_MS = 1_000_000;

/**
 * Creates the index stream when missing, with the event stream's age limit and replicas: an entry
 * is useless once its message is gone. Resolves to false when the event stream does not exist.
 */
export async function ensureIndexStream(
  jsm: JetStreamManager,
  eventStream: string,
  names: HistoryIndexNames,
): Promise<boolean> {
  const exists = await jsm.streams.info(names.stream).then(
    () => true,
    (error: unknown) => {
      if (isJetStreamError(error, JETSTREAM_ERRORS.streamNotFound)) return false;
      throw error;
    },
  );
  if (exists) return true;
  const main = await jsm.streams.info(eventStream).catch(() => undefined);
  if (!main) return false;
  try {
    await jsm.streams.add({
      name: names.stream,
      subjects: [names.allEntries, names.progress],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      num_replicas: main.config.num_replicas,
      max_age: main.config.max_age,
      // Entries carry no message id (a reader skips a repeated sequence), so no window is needed.
      duplicate_window: 1_000 * NANOS_PER_MS,
    });
  } catch (error) {
    // Another indexer may have created it meanwhile; it is then usable as is.
    await jsm.streams.info(names.stream).catch(() => {
      throw error;
    });
  }
  return true;
}
