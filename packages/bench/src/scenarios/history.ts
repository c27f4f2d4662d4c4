import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  type AppendAck,
  type EventLog,
  FileJournal,
  type KeyedAck,
  type KeyedRecord,
  type LogReader,
  type LogRecord,
  type OutgoingMessage,
} from "@levity/events";
import { EVENTS_PER_CP, storeSyntheticFleet } from "@levity/events/testing";
import { startHistoryIndexer } from "@levity/metrics-projector";
import { historyIndexNames, JetStreamEventLog } from "@levity/nats";
import { LEVITY_PROGRAMS, NatsServerProcess } from "@levity/testkit";
import { connect } from "@nats-io/transport-node";

// pnpm --filter @levity/bench scenario history: the history of one charger in a long stream.
// Stores a fleet's events (50 per message, each message spanning 50 charge points, as a busy
// gateway's group commit does) in a real nats-server (file storage) and in a journal, indexes the
// stream, then times `levity-admin events --cp X` through the index, by a scan, and on the journal.

const run = promisify(execFile);

export interface HistoryOptions {
  readonly chargePoints: number;
}

export const historyOptions = (quick: boolean): HistoryOptions => ({
  chargePoints: quick ? 10_000 : 100_000,
});

export interface QueryTiming {
  readonly seconds: number;
  readonly events: number;
  readonly messagesRead: number;
  readonly method: string;
}

export interface HistoryResult {
  readonly chargePoints: number;
  readonly events: number;
  readonly messages: number;
  readonly storeSeconds: number;
  readonly streamBytes: number;
  readonly journalBytes: number;
  readonly indexSeconds: number;
  readonly indexEntries: number;
  readonly indexBytes: number;
  readonly indexed: QueryTiming;
  readonly indexedAgain: QueryTiming;
  readonly indexedRecent: QueryTiming;
  readonly scanned: QueryTiming;
  readonly journal: QueryTiming;
}

/** The JetStream log, each append also written to a journal (in order: the journal is one file). */
class TeeLog implements EventLog {
  #journalTail: Promise<void> = Promise.resolve();
  constructor(
    readonly log: JetStreamEventLog,
    readonly journal: FileJournal,
  ) {}
  append(message: OutgoingMessage): Promise<AppendAck> {
    this.#journalTail = this.#journalTail.then(() => this.journal.append(message));
    return Promise.all([this.log.append(message), this.#journalTail]).then(([ack]) => ack);
  }
  appendKeyed(key: string, message: OutgoingMessage, after: number): Promise<KeyedAck> {
    return this.log.appendKeyed(key, message, after);
  }
  lastOfKey(key: string): Promise<KeyedRecord | undefined> {
    return this.log.lastOfKey(key);
  }
  at(sequence: number): Promise<LogRecord | undefined> {
    return this.log.at(sequence);
  }
  lastSequence(): Promise<number> {
    return this.log.lastSequence();
  }
  read(fromSequence: number): LogReader {
    return this.log.read(fromSequence);
  }
  close(): Promise<void> {
    return this.log.close();
  }
}

async function timeQuery(args: readonly string[]): Promise<QueryTiming> {
  const started = performance.now();
  const { stdout, stderr } = await run(
    process.execPath,
    [LEVITY_PROGRAMS.admin, "events", "--json", "--stats", ...args],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  const seconds = (performance.now() - started) / 1000;
  const stats = JSON.parse(/stats: (.*)/.exec(stderr)?.[1] ?? "{}") as {
    messagesRead: number;
    method: string;
  };
  return {
    seconds: Math.round(seconds * 100) / 100,
    events: stdout.split("\n").filter((line) => line.length > 0).length,
    messagesRead: stats.messagesRead,
    method: stats.method,
  };
}

async function diskBytes(path: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(path, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  return total;
}

const silent = { info: () => {}, warn: () => {} };

export async function history(options: HistoryOptions): Promise<HistoryResult> {
  const dir = await mkdtemp(join(tmpdir(), "levity-history-"));
  const nats = await NatsServerProcess.start({ storeDir: join(dir, "nats") });
  const connection = await connect({ servers: nats.url });
  try {
    const log = await JetStreamEventLog.open(connection, { publishTimeoutMs: 60_000 });
    const journalPath = join(dir, "events.jsonl");
    const { journal } = await FileJournal.open(journalPath);
    process.stderr.write(`storing ${options.chargePoints * EVENTS_PER_CP} events...\n`);
    const stored = await storeSyntheticFleet(new TeeLog(log, journal), options.chargePoints);
    await journal.close();
    const last = await log.lastSequence();

    process.stderr.write(`indexing ${stored.messages} messages...\n`);
    const indexStarted = performance.now();
    const indexer = await startHistoryIndexer(connection, {
      stream: "OCPP_EVENTS",
      subjectPrefix: "ocpp",
      logger: silent,
    });
    while (indexer.indexedThrough() < last)
      await new Promise((resolve) => setTimeout(resolve, 200));
    const indexSeconds = (performance.now() - indexStarted) / 1000;
    const indexEntries = indexer.entriesWritten();
    await indexer.stop();

    // The streams' size on disk, where nats-server keeps them.
    const streams = join(nats.storeDir, "jetstream", "$G", "streams");
    const streamBytes = await diskBytes(join(streams, "OCPP_EVENTS"));
    const indexBytes = await diskBytes(join(streams, historyIndexNames("OCPP_EVENTS").stream));
    const cp = `GEN-${Math.floor(options.chargePoints * 0.4242)}`;
    const nats1 = ["--cp", cp, "--nats", nats.url];
    process.stderr.write(`querying ${cp}...\n`);
    const indexed = await timeQuery([...nats1, "--since", "30d"]);
    const indexedAgain = await timeQuery([...nats1, "--since", "30d"]);
    const indexedRecent = await timeQuery([...nats1, "--since", "2h"]);
    const scanned = await timeQuery([...nats1, "--since", "30d", "--scan"]);
    const journalTiming = await timeQuery(["--cp", cp, "--since", "30d", "--data-dir", dir]);
    return {
      chargePoints: options.chargePoints,
      events: stored.events,
      messages: stored.messages,
      storeSeconds: Math.round(stored.seconds),
      streamBytes,
      journalBytes: (await stat(journalPath)).size,
      indexSeconds: Math.round(indexSeconds),
      indexEntries,
      indexBytes,
      indexed,
      indexedAgain,
      indexedRecent,
      scanned,
      journal: journalTiming,
    };
  } finally {
    await connection.close();
    await nats.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

const mb = (bytes: number) => `${Math.round(bytes / 1e6).toLocaleString("en")} MB`;
const row = (name: string, timing: QueryTiming) =>
  `| ${name} | ${timing.seconds} s | ${timing.events} | ${timing.messagesRead.toLocaleString("en")} |`;

export function renderHistory(result: HistoryResult): string {
  return [
    `History of one charger: ${result.events.toLocaleString("en")} events of ${result.chargePoints.toLocaleString("en")} charge points in ${result.messages.toLocaleString("en")} messages`,
    `stored in ${result.storeSeconds} s (stream ${mb(result.streamBytes)}, journal ${mb(result.journalBytes)}); indexed in ${result.indexSeconds} s (${result.indexEntries.toLocaleString("en")} entries, ${mb(result.indexBytes)})`,
    "",
    "| levity-admin events --cp … (process run, wall time) | time | events | messages read |",
    "|---|---|---|---|",
    row("--nats, --since 30d, through the index (first query)", result.indexed),
    row("the same again (the server's block cache warm)", result.indexedAgain),
    row("--nats, --since 2h, through the index", result.indexedRecent),
    row("--nats, --since 30d, --scan (no index)", result.scanned),
    row("--data-dir (journal scan)", result.journal),
  ].join("\n");
}
