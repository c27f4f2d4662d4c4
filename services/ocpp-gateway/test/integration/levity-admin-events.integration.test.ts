import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  batchMessageId,
  encodeBatch,
  FileJournal,
  type LevityEvent,
  type OutgoingMessage,
} from "@levity/events";
import { cpEvent, gatewayEvent } from "@levity/events/testing";
import { encodeIndexEntry, historyIndexNames, JetStreamEventLog } from "@levity/nats";
import {
  eventually,
  LEVITY_PROGRAMS,
  launchProjector,
  NatsServerProcess,
  type ServiceProcess,
} from "@levity/testkit";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// levity-admin events against a real nats-server (indexed by a real projector process) and a
// real journal, run as the operator runs it.

const run = promisify(execFile);
const STREAM = "HISTORY_EVENTS";
const PREFIX = "hist";
const now = Date.now();
const HOUR = 3_600_000;

let nats: NatsServerProcess;
let connection: NatsConnection;
let log: JetStreamEventLog;
let projector: ServiceProcess;
let dir: string;
let batches = 0;
const stored: OutgoingMessage[] = [];

// A gateway's batches: each holds events of several charge points; CP-7 is in few of them.
function message(events: LevityEvent[]): OutgoingMessage {
  batches += 1;
  const batch = { producer: "gw-1", instance: "i1", batch: batches, events };
  return {
    producer: "gw-1",
    messageId: batchMessageId("gw-1", "i1", batches),
    data: encodeBatch(batch),
  };
}
const status = (cpId: string, ts: number, status: "Available" | "Charging" = "Available") =>
  cpEvent("cp.status", { evseId: 1, connectorId: 1, status }, { cpId, ts });
const heartbeat = (cpId: string, ts: number) => cpEvent("cp.heartbeat", {}, { cpId, ts });

const cp7 = {
  old: heartbeat("CP-7", now - 3 * HOUR),
  status: status("CP-7", now - 30 * 60_000, "Charging"),
  heartbeat: heartbeat("CP-7", now - 20 * 60_000),
  late: heartbeat("CP-7", now - 10 * 60_000),
};

async function store(events: LevityEvent[]): Promise<void> {
  const stored1 = message(events);
  stored.push(stored1);
  await log.append(stored1);
}

async function admin(args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [
      LEVITY_PROGRAMS.admin,
      "events",
      ...args,
    ]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
const natsArgs = () => ["--nats", nats.url, "--stream", STREAM, "--subject-prefix", PREFIX];
const lines = (stdout: string) =>
  stdout
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as LevityEvent);
const statsOf = (stderr: string) =>
  JSON.parse(/stats: (.*)/.exec(stderr)?.[1] ?? "{}") as {
    indexEntries: number;
    messagesRead: number;
    messagesDecoded: number;
    method: string;
  };

async function indexedThrough(): Promise<number> {
  const jsm = await jetstreamManager(connection);
  const names = historyIndexNames(STREAM, PREFIX);
  const last = await jsm.streams
    .getMessage(names.stream, { last_by_subj: names.progress })
    .catch(() => null);
  return last ? (JSON.parse(new TextDecoder().decode(last.data)) as { seq: number }).seq : 0;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "levity-events-"));
  nats = await NatsServerProcess.start();
  connection = await connect({ servers: nats.url });
  log = await JetStreamEventLog.open(connection, { stream: STREAM, subjectPrefix: PREFIX });
  await store([heartbeat("CP-1", now - 3 * HOUR), cp7.old, heartbeat("CP-2", now - 3 * HOUR)]);
  for (let i = 0; i < 30; i++) {
    const ts = now - 40 * 60_000 + i * 60_000;
    const events = [status(`CP-${100 + i}`, ts), heartbeat("CP-1", ts + 1), heartbeat("CP-70", ts)];
    if (i === 10) events.splice(1, 0, cp7.status, cp7.heartbeat);
    await store(events);
  }
  await store([
    gatewayEvent("gateway.alive", { instance: "i1", startedAt: now, sessions: 3 }, { ts: now }),
  ]);
  projector = await launchProjector({
    NATS_URL: nats.url,
    EVENT_STREAM: STREAM,
    SUBJECT_PREFIX: PREFIX,
    LOG_LEVEL: "warn",
  });
  const last = await log.lastSequence();
  await eventually(async () => expect(await indexedThrough()).toBe(last), { timeoutMs: 30_000 });
});

afterAll(async () => {
  await projector?.process.stop();
  await connection?.close();
  await nats?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe("levity-admin events", () => {
  it("prints one charge point's events since a time as JSON lines, reading only the messages its index names", async () => {
    const { code, stdout, stderr } = await admin([
      "--cp",
      "CP-7",
      "--since",
      "2h",
      "--stats",
      ...natsArgs(),
    ]);
    expect(code, stderr).toBe(0);
    expect(lines(stdout)).toEqual([cp7.status, cp7.heartbeat]);
    const stats = statsOf(stderr);
    expect(stats.method).toBe("index");
    // One message holds CP-7's events in the last two hours; the stream holds 32.
    expect(stats.messagesRead).toBe(1);
    expect(stderr).not.toContain("note:");
  });

  it("filters by type and by --until, and gives the same answer as a scan of the stream", async () => {
    const args = [
      "--cp",
      "CP-7",
      "--since",
      "7d",
      "--until",
      "25m",
      "--type",
      "cp.heartbeat,cp.fault",
    ];
    const indexed = await admin([...args, "--stats", ...natsArgs()]);
    expect(lines(indexed.stdout)).toEqual([cp7.old]);
    // The second holds CP-7's status 30 minutes ago (before --until) and its later heartbeat.
    expect(statsOf(indexed.stderr).messagesRead).toBe(2);
    const scanned = await admin([...args, "--scan", "--stats", ...natsArgs()]);
    expect(lines(scanned.stdout)).toEqual([cp7.old]);
    expect(statsOf(scanned.stderr).method).toBe("scan");
    expect(statsOf(scanned.stderr).messagesRead).toBe(stored.length);
    const all = await admin(["--cp", "CP-7", "--since", "7d", "--stats", ...natsArgs()]);
    expect(lines(all.stdout)).toEqual([cp7.old, cp7.status, cp7.heartbeat]);
    expect(statsOf(all.stderr).messagesRead).toBe(2);
  });

  it("prints a readable timeline with --json absent on a terminal (here: the formatter's line)", async () => {
    // stdout is a pipe here, so JSON is the default; the timeline itself is unit-tested.
    const { stdout } = await admin(["--cp", "CP-7", "--since", "2h", ...natsArgs()]);
    expect(stdout.split("\n")[0]).toMatch(/^\{"id":/);
  });

  it("scans what the index does not cover yet", async () => {
    await projector.process.stop("SIGTERM");
    await store([heartbeat("CP-9", now), cp7.late]);
    const { code, stdout, stderr } = await admin([
      "--cp",
      "CP-7",
      "--since",
      "2h",
      "--stats",
      ...natsArgs(),
    ]);
    expect(code, stderr).toBe(0);
    expect(lines(stdout)).toEqual([cp7.status, cp7.heartbeat, cp7.late]);
    expect(statsOf(stderr).method).toBe("index+scan");
    expect(statsOf(stderr).messagesRead).toBe(2);
  });

  it("searches the index by subject where a chain link is unknown, and says so", async () => {
    // As an indexer writes after a failed run: the newest entry does not know its predecessor.
    const js = (await jetstreamManager(connection)).jetstream();
    const statusSeq = stored.findIndex((stored1) =>
      Buffer.from(stored1.data).includes(cp7.status.id),
    );
    await js.publish(
      historyIndexNames(STREAM, PREFIX).subject("CP-7"),
      encodeIndexEntry({ seq: statusSeq + 1, ts: cp7.status.ts, prev: -1 }),
    );
    const { code, stdout, stderr } = await admin([
      "--cp",
      "CP-7",
      "--since",
      "7d",
      "--stats",
      ...natsArgs(),
    ]);
    expect(code, stderr).toBe(0);
    expect(lines(stdout)).toEqual([cp7.old, cp7.status, cp7.heartbeat, cp7.late]);
    expect(stderr).toMatch(/note: the history index's chain for CP-7 is incomplete/);
  });

  it("follows new events after the history with --follow", async () => {
    const child = spawn(process.execPath, [
      LEVITY_PROGRAMS.admin,
      "events",
      "--cp",
      "CP-7",
      "--since",
      "15m",
      "--follow",
      ...natsArgs(),
    ]);
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    try {
      await eventually(() => expect(out).toContain(cp7.late.id), { timeoutMs: 20_000 });
      const next = heartbeat("CP-7", Date.now());
      await store([heartbeat("CP-8", Date.now()), next]);
      await eventually(() => expect(out).toContain(next.id), { timeoutMs: 20_000 });
      expect(lines(out).map((event) => event.id)).toEqual([cp7.late.id, next.id]);
    } finally {
      child.kill("SIGINT");
    }
  });

  it("reads the all-in-one's journal with --data-dir, decoding only the lines that name the charge point", async () => {
    const { journal } = await FileJournal.open(join(dir, "events.jsonl"));
    for (const stored1 of stored) await journal.append(stored1);
    await journal.close();
    const { code, stdout, stderr } = await admin([
      "--cp",
      "CP-7",
      "--since",
      "7d",
      "--stats",
      "--data-dir",
      dir,
    ]);
    expect(code, stderr).toBe(0);
    const cp7Events = stored.flatMap((stored1) =>
      (JSON.parse(Buffer.from(stored1.data).toString()) as { events: LevityEvent[] }).events.filter(
        (event) => "cpId" in event && event.cpId === "CP-7",
      ),
    );
    expect(cp7Events.length).toBeGreaterThan(4);
    expect(lines(stdout)).toEqual(cp7Events);
    const stats = statsOf(stderr);
    expect(stats.method).toBe("journal");
    expect(stats.messagesRead).toBe(stored.length);
    // CP-70's messages contain "CP-7" only within a longer id: the quoted id rules them out.
    expect(stats.messagesDecoded).toBe(
      stored.filter((stored1) => Buffer.from(stored1.data).includes('"cpId":"CP-7"')).length,
    );
  });

  it("tails the journal with --follow", async () => {
    const child = spawn(process.execPath, [
      LEVITY_PROGRAMS.admin,
      "events",
      "--cp",
      "CP-7",
      "--since",
      "15m",
      "--follow",
      "--data-dir",
      dir,
    ]);
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    try {
      await eventually(() => expect(out).toContain(cp7.late.id), { timeoutMs: 20_000 });
      const next = heartbeat("CP-7", Date.now());
      const { journal } = await FileJournal.open(join(dir, "events.jsonl"));
      const appended = message([heartbeat("CP-8", Date.now()), next]);
      stored.push(appended); // in the journal only
      await journal.append(appended);
      await journal.close();
      await eventually(() => expect(out).toContain(next.id), { timeoutMs: 20_000 });
    } finally {
      child.kill("SIGINT");
    }
  });

  it("prints every event with --all, gateways' too (the audit trail to ship)", async () => {
    const { code, stdout, stderr } = await admin([
      "--all",
      "--since",
      "7d",
      "--type",
      "gateway.alive",
      ...natsArgs(),
    ]);
    expect(code, stderr).toBe(0);
    expect(lines(stdout).map((event) => event.type)).toEqual(["gateway.alive"]);
    const journal = await admin(["--all", "--since", "7d", "--data-dir", dir]);
    expect(lines(journal.stdout)).toHaveLength(
      stored.reduce(
        (sum, stored1) =>
          sum +
          (JSON.parse(Buffer.from(stored1.data).toString()) as { events: unknown[] }).events.length,
        0,
      ),
    );
  });

  it.each([
    [["--since", "2h"], "needs --cp"],
    [["--cp", "CP-7", "--all"], "needs --cp"],
    [["--cp", "CP-7", "--since", "yesterday"], "--since"],
    [["--cp", "CP-7", "--until", "3x"], "--until"],
    [["--cp", "CP-7", "--since", "1h", "--until", "2h"], "before --since"],
    [["--cp", "CP-7", "--type", "Status"], "--type"],
    [["--cp", "CP-7", "--data-dir", "/nonexistent-levity"], "no journal"],
    [["--cp", "CP-7", "--nats", "nats://x", "--data-dir", "d"], "not both"],
  ])("refuses %j with a one-line reason and exit 2", async (args, reason) => {
    const { code, stdout, stderr } = await admin(args);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain(reason);
  });
});
