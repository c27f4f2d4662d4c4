import { join } from "node:path";
import type { LevityEvent } from "@levity/events";
import { connectOnce } from "@levity/nats";
import {
  type HistoryQuery,
  type HistoryStats,
  newStats,
  parseTime,
} from "../history/history-query.js";
import { readJetStreamHistory } from "../history/jetstream-history.js";
import { readJournalHistory } from "../history/journal-history.js";
import { timelineLine } from "../history/timeline.js";

/** Where the events are read from. */
export type HistorySource =
  | {
      readonly kind: "nats";
      readonly url: string;
      readonly stream: string;
      readonly subjectPrefix: string;
    }
  | { readonly kind: "journal"; readonly path: string };

/** `levity-admin events`: one charge point's history, and with `follow` what comes next. */
export interface EventsCommand {
  readonly kind: "events";
  readonly query: HistoryQuery;
  readonly source: HistorySource;
  readonly follow: boolean;
  /** JSON lines; undefined means JSON unless standard output is a terminal. */
  readonly json: boolean | undefined;
  readonly stats: boolean;
  readonly scan: boolean;
}

/** The options `events` reads, as parseArgs gives them. */
export interface EventsFlags {
  readonly cp?: string | undefined;
  readonly all?: boolean | undefined;
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  readonly type?: string | undefined;
  readonly follow?: boolean | undefined;
  readonly json?: boolean | undefined;
  readonly stats?: boolean | undefined;
  readonly scan?: boolean | undefined;
  readonly nats?: string | undefined;
  readonly stream?: string | undefined;
  readonly subjectPrefix?: string | undefined;
  readonly dataDir?: string | undefined;
}

const EVENT_TYPE = /^[a-z]+(\.[a-z-]+)+$/;

/** Parses `events` options; `now` anchors durations. */
export function parseEventsCommand(
  flags: EventsFlags,
  env: NodeJS.ProcessEnv,
  now: number,
): { ok: true; command: EventsCommand } | { ok: false; error: string } {
  if (!flags.cp === !flags.all)
    return { ok: false, error: "events needs --cp <identity> (or --all, for every event)" };
  const since = parseTime(flags.since ?? "1h", now);
  if (since === undefined)
    return { ok: false, error: `--since: expected a duration (90s, 15m, 2h, 7d) or an ISO time` };
  let until: number | undefined;
  if (flags.until !== undefined) {
    until = parseTime(flags.until, now);
    if (until === undefined)
      return { ok: false, error: `--until: expected a duration (90s, 15m, 2h, 7d) or an ISO time` };
    if (until < since) return { ok: false, error: "--until is before --since" };
    if (flags.follow) return { ok: false, error: "--follow goes on from now: give no --until" };
  }
  const types = (flags.type ?? "")
    .split(",")
    .map((type) => type.trim())
    .filter((type) => type.length > 0);
  const badType = types.find((type) => !EVENT_TYPE.test(type));
  if (badType)
    return { ok: false, error: `--type: ${badType} is not an event type (e.g. cp.status)` };
  const natsUrl = flags.nats ?? (flags.dataDir === undefined ? env.NATS_URL : undefined);
  if (flags.nats !== undefined && flags.dataDir !== undefined)
    return { ok: false, error: "give --nats or --data-dir, not both" };
  let source: HistorySource;
  if (natsUrl !== undefined) {
    const stream = flags.stream ?? env.EVENT_STREAM ?? "OCPP_EVENTS";
    const subjectPrefix = flags.subjectPrefix ?? env.SUBJECT_PREFIX ?? "ocpp";
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(stream))
      return { ok: false, error: "--stream: not a stream name" };
    if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(subjectPrefix))
      return { ok: false, error: "--subject-prefix: expected dot-separated tokens" };
    source = { kind: "nats", url: natsUrl, stream, subjectPrefix };
  } else {
    source = {
      kind: "journal",
      path: join(flags.dataDir ?? env.DATA_DIR ?? "./data", "events.jsonl"),
    };
  }
  if (flags.scan && source.kind === "journal")
    return { ok: false, error: "--scan is for --nats (the journal is always scanned)" };
  return {
    ok: true,
    command: {
      kind: "events",
      query: { cpId: flags.cp, since, until, types: new Set(types) },
      source,
      follow: flags.follow === true,
      json: flags.json === true ? true : undefined,
      stats: flags.stats === true,
      scan: flags.scan === true,
    },
  };
}

/** Runs `events`, writing lines with `write`; resolves when done (with `follow`, on `stopped`). */
export async function runEventsCommand(
  command: EventsCommand,
  io: {
    readonly write: (line: string) => void;
    readonly note: (line: string) => void;
    readonly terminal: boolean;
    readonly stopped: () => boolean;
  },
): Promise<HistoryStats> {
  const json = command.json ?? !io.terminal;
  const emit = (event: LevityEvent) =>
    io.write(`${json ? JSON.stringify(event) : timelineLine(event)}\n`);
  const stats = newStats();
  if (command.source.kind === "journal") {
    await readJournalHistory(command.source.path, command.query, emit, stats, {
      follow: command.follow,
      stopped: io.stopped,
    });
    return stats;
  }
  const connection = await connectOnce(command.source.url, "levity-admin events");
  try {
    await readJetStreamHistory(connection, command.query, emit, stats, {
      stream: command.source.stream,
      subjectPrefix: command.source.subjectPrefix,
      follow: command.follow,
      scan: command.scan,
      stopped: io.stopped,
      note: io.note,
    });
  } finally {
    await connection.close();
  }
  return stats;
}
