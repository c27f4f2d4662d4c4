import { randomUUID } from "node:crypto";
import {
  chargePointsIn,
  decodeIndexEntry,
  encodeIndexEntry,
  ensureIndexStream,
  followJetStream,
  historyIndexNames,
  isJetStreamError,
  JETSTREAM_ERRORS,
  type MessageReader,
} from "@levity/nats";
import { type JetStreamManager, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";

/** Where the indexer reads and writes. */
export interface HistoryIndexerOptions {
  readonly stream: string;
  readonly subjectPrefix: string;
  /** Longest time between progress records while messages are indexed (default 1 s). */
  readonly progressEveryMs?: number;
  readonly logger: IndexerLogger;
}

/** What the indexer logs through (a pino logger fits). */
export interface IndexerLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface HistoryIndexer {
  /** The event-stream sequence through which the index is known to be complete. */
  indexedThrough(): number;
  /** Entries this indexer has published since it started. */
  entriesWritten(): number;
  stop(): Promise<void>;
}

// Event-stream messages indexed between two progress records, at most: bounds what a restart
// publishes again and what waits in the connection's buffer.
const MESSAGES_PER_RECORD = 2_000;
// A record this recent by another indexer makes this one stand by (it takes over when they stop).
const STANDBY_MS = 15_000;
// Progress records between purges of the older ones (only the last is ever read).
const PURGE_EVERY = 600;

/**
 * Follows the event stream and writes the history index (docs/history.md): for each message, one
 * entry per charge point with events in it, under that charge point's subject, holding the index
 * sequence of its previous entry, so that a reader walks one charger's entries by sequence
 * whatever the size of the index.
 *
 * Entries are plain NATS publishes, which the index stream captures without an acknowledgement
 * each (a JetStream publish per entry held indexing to about 15,000 entries/s). As the only writer
 * of the index stream, the indexer knows the sequence each one gets; a *progress record* published
 * through JetStream after them, expecting the stream's last sequence to be the one predicted, is
 * stored only if every entry before it was. Otherwise (an entry lost in a disconnection, another
 * writer) the indexer starts again after its last stored record, and reads each charge point's
 * last entry back from the stream; entries published twice are harmless (readers fetch a message
 * once).
 */
export async function startHistoryIndexer(
  connection: NatsConnection,
  options: HistoryIndexerOptions,
): Promise<HistoryIndexer> {
  const names = historyIndexNames(options.stream, options.subjectPrefix);
  const jsm = await jetstreamManager(connection);
  const js = jsm.jetstream();
  await ensureIndexStream(jsm, options.stream, names);
  let recorded = (await lastProgress(jsm, names.stream, names.progress)).seq;
  // Who this indexer is in its records: a second one stands by while the first records.
  const writer = randomUUID();
  let standingBy = false;
  // Claimed the index and following the stream: only then do records (and keep-alives) go out.
  let writing = false;
  // The index-stream sequence through which entries are proven: those after it are not.
  let recordSeq = 0;
  // The event-stream sequence last indexed, and the index sequence its last entry was given.
  let published = recorded;
  let predicted = 0;
  // Each charge point's last entry in the index (its sequence there), as far as known.
  const lastEntry = new Map<string, number>();
  let records = 0;
  let written = 0;
  let stopped = false;
  let recording: Promise<void> | undefined;
  let recordedAt = Date.now();
  let reader: MessageReader<{ seq: number; cps: Map<string, number> }> | undefined;

  // Records `published` as indexed; rejects when the proof fails (the caller starts again). A
  // record with nothing new keeps this writer's claim fresh, so a standby never takes over from
  // a live writer on an idle stream.
  const record = (kind: "progress" | "keep-alive" | "release" = "progress"): Promise<void> => {
    if (recording) return recording;
    recording = (async () => {
      try {
        const through = published;
        if (through <= recorded && kind === "progress") return;
        const release = kind === "release";
        // The server stores the record only if the stream's last sequence is the one predicted:
        // then every entry before it is stored, and a stored record is always true.
        const after = predicted;
        predicted += 1;
        try {
          await js.publish(
            names.progress,
            // A released record (a clean stop) lets the next indexer start at once.
            encodeProgress({
              seq: through,
              ts: Date.now(),
              writer: release ? undefined : writer,
              // Stored at `after + 1` only if the stream holds `after`: every entry up to it.
              trusted: after,
            }),
            {
              expect: { lastSequence: after },
            },
          );
        } catch (error) {
          if (isJetStreamError(error, JETSTREAM_ERRORS.wrongLastSequence))
            throw new Error(
              `the index stream is not at ${after}: an entry was lost, or another indexer writes`,
            );
          throw error;
        }
        recorded = through;
        recordSeq = after;
        recordedAt = Date.now();
        records += 1;
        if (records % PURGE_EVERY === 0)
          await jsm.streams.purge(names.stream, { filter: names.progress, keep: 1 });
      } finally {
        recording = undefined;
      }
    })();
    return recording;
  };

  const everyMs = options.progressEveryMs ?? 1_000;
  const timer = setInterval(() => {
    const since = Date.now() - recordedAt;
    const due =
      published > recorded && since >= everyMs
        ? "progress"
        : writing && since >= STANDBY_MS / 3
          ? "keep-alive"
          : undefined;
    if (due)
      record(due).catch((error: unknown) => {
        options.logger.warn({ err: error }, "could not record the history index's progress");
        // Start again from what the index holds.
        void reader?.close();
      });
  }, everyMs);

  const lookUp = async (cpId: string): Promise<void> => {
    const stored = await jsm.streams
      .getMessage(names.stream, { last_by_subj: names.subject(cpId) })
      .catch((error: unknown) => {
        if (isJetStreamError(error, JETSTREAM_ERRORS.noMessageFound)) return null;
        throw error;
      });
    // An entry after the last record was published in a run that failed: its own links may be
    // wrong, so the new entry says its predecessor is unknown (-1) and readers search instead.
    lastEntry.set(cpId, !stored ? 0 : stored.seq > recordSeq ? -1 : stored.seq);
  };

  // Any disconnection voids what was published since the last record: start again.
  void (async () => {
    for await (const status of connection.status())
      if (status.type === "disconnect" || status.type === "reconnect") void reader?.close();
  })();

  const run = async () => {
    while (!stopped) {
      try {
        // Read back, not remembered: an index stream deleted to be rebuilt starts again at 1.
        await ensureIndexStream(jsm, options.stream, names);
        const last = await lastProgress(jsm, names.stream, names.progress);
        recorded = last.seq;
        recordSeq = last.trusted;
        if (last.writer && last.writer !== writer && Date.now() - last.ts < STANDBY_MS) {
          if (!standingBy)
            options.logger.info({}, "another indexer writes the history index; standing by");
          standingBy = true;
          await new Promise((resolve) => setTimeout(resolve, STANDBY_MS / 3));
          continue;
        }
        // Claim the index before writing an entry: a record naming this writer, stored only if
        // nothing was stored since it looked. Of two indexers starting together one claims, the
        // other finds the claim fresh and stands by, so entries never interleave. The claim
        // proves no entry (`trusted` carries over).
        const streamLast = (await jsm.streams.info(names.stream)).state.last_seq;
        const claimed = await js
          .publish(
            names.progress,
            encodeProgress({ seq: recorded, ts: Date.now(), writer, trusted: recordSeq }),
            { expect: { lastSequence: streamLast } },
          )
          .then(
            () => true,
            (error: unknown) => {
              if (isJetStreamError(error, JETSTREAM_ERRORS.wrongLastSequence)) return false;
              throw error;
            },
          );
        if (!claimed) {
          await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 400));
          continue;
        }
        standingBy = false;
        recordedAt = Date.now();
        published = recorded;
        predicted = streamLast + 1;
        lastEntry.clear();
      } catch (error) {
        options.logger.warn({ err: error }, "could not open the history index; trying again");
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        continue;
      }
      reader = followJetStream(
        js,
        recorded + 1,
        {
          stream: options.stream,
          batch: 1_000,
          expiresMs: 5_000,
          onRestart: (reason, next) =>
            options.logger.warn({ reason, from: next }, "replaced the history indexer's consumer"),
          // A reconnection restarts the whole indexer from its last record (above).
          onReconnect: () => () => {},
        },
        (seq, data) => ({ seq, cps: chargePointsIn(data) }),
      );
      writing = true;
      try {
        let unrecorded = 0;
        for await (const { seq, cps } of reader) {
          const unknown = [...cps.keys()].filter((cpId) => !lastEntry.has(cpId));
          if (unknown.length > 0) await Promise.all(unknown.map(lookUp));
          // Entries and records go out in the order their sequences were predicted.
          while (recording) await recording;
          for (const [cpId, ts] of cps) {
            connection.publish(
              names.subject(cpId),
              encodeIndexEntry({ seq, ts, prev: lastEntry.get(cpId) ?? 0 }),
            );
            predicted += 1;
            lastEntry.set(cpId, predicted);
          }
          written += cps.size;
          published = seq;
          unrecorded += 1;
          if (unrecorded >= MESSAGES_PER_RECORD) {
            await record();
            unrecorded = 0;
          }
        }
      } catch (error) {
        options.logger.warn({ err: error }, "history indexing failed; starting again");
      } finally {
        writing = false;
        await reader.close();
      }
      // A random pause before starting again: two indexers started together stop colliding.
      if (!stopped)
        await new Promise((resolve) => setTimeout(resolve, 500 + Math.random() * 2_000));
    }
  };
  const running = run();
  options.logger.info({ from: recorded + 1, index: names.stream }, "history indexer started");

  return {
    indexedThrough: () => recorded,
    entriesWritten: () => written,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await reader?.close();
      await running;
      if (!standingBy) await record("release").catch(() => {});
    },
  };
}

interface Progress {
  readonly seq: number;
  readonly ts: number;
  readonly writer: string | undefined;
  /** The index-stream sequence through which entries are proven (a claim proves none new). */
  readonly trusted: number;
}

function encodeProgress(progress: Progress): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify({ seq: progress.seq, ts: progress.ts, w: progress.writer, t: progress.trusted }),
  );
}

async function lastProgress(
  jsm: JetStreamManager,
  stream: string,
  subject: string,
): Promise<Progress> {
  try {
    const stored = await jsm.streams.getMessage(stream, { last_by_subj: subject });
    const entry = stored && decodeIndexEntry(stored.data);
    if (!stored || !entry) return { seq: 0, ts: 0, writer: undefined, trusted: 0 };
    const { w, t } = stored.json<{ w?: unknown; t?: unknown }>();
    return {
      seq: entry.seq,
      ts: entry.ts,
      writer: typeof w === "string" ? w : undefined,
      // A record without `t` was stored when the stream held every entry before it.
      trusted: typeof t === "number" ? t : stored.seq - 1,
    };
  } catch (error) {
    if (isJetStreamError(error, JETSTREAM_ERRORS.noMessageFound))
      return { seq: 0, ts: 0, writer: undefined, trusted: 0 };
    throw error;
  }
}
