import type { LevityEvent } from "@levity/events";
import {
  decodeIndexEntry,
  followJetStream,
  historyIndexNames,
  type IndexEntry,
  isJetStreamError,
  JETSTREAM_ERRORS,
} from "@levity/nats";
import {
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  jetstreamManager,
} from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import {
  emitMatching,
  type HistoryQuery,
  type HistoryStats,
  prefilterBytes,
} from "./history-query.js";

/** Where the event stream is, and how to read it. */
export interface JetStreamHistoryOptions {
  readonly stream: string;
  readonly subjectPrefix: string;
  readonly follow: boolean;
  /** Read the event stream from `since` without the index (to compare, or distrusting it). */
  readonly scan: boolean;
  readonly stopped: () => boolean;
  /** Where notes for the operator go (stderr). */
  readonly note: (text: string) => void;
}

// Entries are found by the time the index stored them, which follows the events' `ts` (the
// gateways' clocks): this much earlier is asked for, for clock skew and indexing delay.
const SLACK_MS = 5 * 60_000;
// A scan past the index's last record worth a note: this many messages, or a record this old.
const NOTABLE_SCAN = 1_000;
const NOTABLE_AGE_MS = 10_000;
// Messages fetched by sequence at once.
const CONCURRENT_GETS = 32;

/**
 * Emits one charge point's events from the JetStream event stream: the messages its history index
 * entries name (fetched by sequence), then a scan of what the index does not cover yet, then, with
 * `follow`, every new message of the stream (prefiltered by the charge point's id).
 */
export async function readJetStreamHistory(
  connection: NatsConnection,
  query: HistoryQuery,
  emit: (event: LevityEvent) => void,
  stats: HistoryStats,
  options: JetStreamHistoryOptions,
): Promise<void> {
  // Long API timeouts: a time-seeked consumer on a large stream takes a while to create.
  const jsm = await jetstreamManager(connection, { timeout: 60_000 });
  const js = jsm.jetstream();
  const info = await jsm.streams.info(options.stream).catch((error: unknown) => {
    if (isJetStreamError(error, JETSTREAM_ERRORS.streamNotFound))
      throw new Error(`no stream ${options.stream} on this NATS server (see --stream)`);
    throw error;
  });
  const last = info.state.last_seq;
  const needle = prefilterBytes(query.cpId);
  const decodeAndEmit = (data: Uint8Array) => emitMatching(data, query, stats, emit);

  let covered = 0;
  let recordedAt = 0;
  const cpId = query.cpId;
  if (!options.scan && cpId !== undefined) {
    const index = historyIndexNames(options.stream, options.subjectPrefix);
    const progress = await lastMessage(jsm, index.stream, index.progress);
    if (progress === undefined) {
      options.note(
        `no history index ${index.stream} (is a projector running?): scanning ${options.stream} from --since`,
      );
    } else {
      const record = decodeIndexEntry(progress);
      covered = Math.min(record?.seq ?? 0, last);
      recordedAt = record?.ts ?? 0;
      stats.method = "index";
      const seqs = await indexedSequences(
        jsm,
        index.stream,
        index.subject(cpId),
        query,
        stats,
        options.note,
      );
      await fetchInOrder(
        jsm,
        options.stream,
        seqs.filter((seq) => seq <= covered),
        (data) => {
          stats.messagesRead += 1;
          decodeAndEmit(data);
        },
      );
    }
  }

  // What the index does not cover: from the time asked for, or after what it covers if later.
  let from = covered + 1;
  if (from <= last) {
    const timeStart = await firstSequenceSince(
      js,
      { stream: options.stream, ...info.state },
      query.since - SLACK_MS,
    );
    if (timeStart > from) from = timeStart;
    if (covered > 0 && from <= last) {
      stats.method = "index+scan";
      // The last second or so is always past the last record: worth a word only when larger.
      if (last - from >= NOTABLE_SCAN || Date.now() - recordedAt > NOTABLE_AGE_MS)
        options.note(
          `the history index covers ${options.stream} through ${covered}; scanning ${from}..${last}`,
        );
    }
  }
  if (from > last && !options.follow) return;
  const reader = followJetStream(
    js,
    from,
    {
      stream: options.stream,
      batch: 1_000,
      expiresMs: 5_000,
      onRestart: undefined,
      onReconnect: () => () => {},
    },
    (seq, data) => ({ seq, data }),
  );
  // A query ending in the past ends once the stream read reaches it; `follow` goes on.
  const stopAt = options.follow ? Number.POSITIVE_INFINITY : last;
  const stopTimer = setInterval(() => {
    if (options.stopped()) void reader.close();
  }, 200);
  try {
    if (from > stopAt) return;
    for await (const { seq, data } of reader) {
      stats.messagesRead += 1;
      if (Buffer.from(data.buffer, data.byteOffset, data.byteLength).indexOf(needle) >= 0)
        decodeAndEmit(data);
      if (seq >= stopAt || options.stopped()) break;
    }
  } finally {
    clearInterval(stopTimer);
    await reader.close();
  }
}

async function lastMessage(
  jsm: JetStreamManager,
  stream: string,
  subject: string,
): Promise<Uint8Array | undefined> {
  try {
    const stored = await jsm.streams.getMessage(stream, { last_by_subj: subject });
    return stored?.data;
  } catch (error) {
    if (isJetStreamError(error, JETSTREAM_ERRORS.noMessageFound, JETSTREAM_ERRORS.streamNotFound))
      return undefined;
    throw error;
  }
}

/**
 * The event-stream sequences the index names for the charge point within the query's window, in
 * order, once each: its last entry, then back through each entry's `prev` until one is older than
 * `since` (less the slack). One request per entry, whatever the size of the index. Where a link
 * is unknown (the indexer restarted after a failure), the entries before it are found with a
 * consumer filtered on the subject instead: correct, and slower on a large index.
 */
async function indexedSequences(
  jsm: JetStreamManager,
  indexStream: string,
  subject: string,
  query: HistoryQuery,
  stats: HistoryStats,
  note: (text: string) => void,
): Promise<number[]> {
  const seqs = new Set<number>();
  const keep = (entry: IndexEntry) => {
    // An entry names the first event of the charge point in its message: later ones there may be
    // after `since` even when it is not, within a batch's span (well under the slack).
    if (query.until === undefined || entry.ts <= query.until) seqs.add(entry.seq);
  };
  let stored = await getStored(jsm, indexStream, { last_by_subj: subject });
  let newer = Number.POSITIVE_INFINITY;
  while (stored) {
    const decoded = stored.subject === subject ? decodeIndexEntry(stored.data) : undefined;
    // A link must lead to the same subject and an older message; else it is not trusted.
    const entry = decoded && decoded.seq <= newer ? decoded : undefined;
    if (!entry || entry.prev < 0) {
      const below = entry ? stored.seq : stored.seq + 1;
      if (entry && entry.ts >= query.since - SLACK_MS) {
        stats.indexEntries += 1;
        keep(entry);
      }
      note(
        `the history index's chain for ${query.cpId} is incomplete before ${below}: searching the index by subject`,
      );
      for (const found of await searchBySubject(jsm, indexStream, subject, query, below, stats))
        keep(found);
      break;
    }
    stats.indexEntries += 1;
    if (entry.ts < query.since - SLACK_MS) break;
    keep(entry);
    newer = entry.seq;
    if (entry.prev === 0 || entry.prev >= stored.seq) break;
    stored = await getStored(jsm, indexStream, { seq: entry.prev });
  }
  return [...seqs].sort((a, b) => a - b);
}

/** The charge point's entries from `since` (less the slack) up to index sequence `below`. */
async function searchBySubject(
  jsm: JetStreamManager,
  indexStream: string,
  subject: string,
  query: HistoryQuery,
  below: number,
  stats: HistoryStats,
): Promise<IndexEntry[]> {
  const consumer = await jsm.jetstream().consumers.get(indexStream, {
    // One subject as a string: nats.js sends it as `filter_subject`, which nats-server 2.9 knows.
    filter_subjects: subject,
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: new Date(Math.max(0, query.since - SLACK_MS)).toISOString(),
  });
  const found: IndexEntry[] = [];
  try {
    if ((await consumer.info(true)).num_pending === 0) return found;
    const messages = await consumer.consume({ max_messages: 1_000, expires: 5_000 });
    for await (const message of messages) {
      if (message.seq >= below) break;
      stats.indexEntries += 1;
      const entry = decodeIndexEntry(message.data);
      if (entry && entry.ts >= query.since - SLACK_MS) found.push(entry);
      if (message.info.pending === 0) break;
    }
    await messages.close();
  } finally {
    await consumer.delete().catch(() => {});
  }
  return found;
}

async function getStored(
  jsm: JetStreamManager,
  stream: string,
  query: { readonly seq: number } | { readonly last_by_subj: string },
): Promise<{ seq: number; subject: string; data: Uint8Array } | undefined> {
  try {
    const stored = await jsm.streams.getMessage(stream, query);
    return stored ? { seq: stored.seq, subject: stored.subject, data: stored.data } : undefined;
  } catch (error) {
    // Aged out, or never written.
    if (isJetStreamError(error, JETSTREAM_ERRORS.noMessageFound)) return undefined;
    throw error;
  }
}

/** Fetches messages by sequence, a few at a time, and hands them over in order. */
async function fetchInOrder(
  jsm: JetStreamManager,
  stream: string,
  seqs: readonly number[],
  handle: (data: Uint8Array) => void,
): Promise<void> {
  const get = async (seq: number) => {
    try {
      return (await jsm.streams.getMessage(stream, { seq }))?.data;
    } catch (error) {
      // Gone (aged out, or purged) since it was indexed: nothing to print.
      if (isJetStreamError(error, JETSTREAM_ERRORS.noMessageFound)) return undefined;
      throw error;
    }
  };
  for (let start = 0; start < seqs.length; start += CONCURRENT_GETS) {
    const datas = await Promise.all(seqs.slice(start, start + CONCURRENT_GETS).map(get));
    for (const data of datas) if (data) handle(data);
  }
}

/** The first sequence stored at or after `time`, or `last + 1` when none is. */
async function firstSequenceSince(
  js: JetStreamClient,
  state: { stream: string; first_seq: number; first_ts: string; last_seq: number; last_ts: string },
  time: number,
): Promise<number> {
  if (Date.parse(state.first_ts) >= time) return state.first_seq;
  if (Date.parse(state.last_ts) < time) return state.last_seq + 1;
  const consumer = await js.consumers.get(state.stream, {
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: new Date(time).toISOString(),
  });
  try {
    const message = await consumer.next({ expires: 2_000 });
    return message ? message.seq : state.last_seq + 1;
  } finally {
    await consumer.delete().catch(() => {});
  }
}
