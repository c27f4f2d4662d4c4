import { batchMessageId, encodeBatch, type LevityEvent } from "@levity/events";
import { cpEvent } from "@levity/events/testing";
import { decodeIndexEntry, historyIndexNames, JetStreamEventLog } from "@levity/nats";
import { eventually, NatsServerProcess } from "@levity/testkit";
import { DeliverPolicy, jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type HistoryIndexer, startHistoryIndexer } from "../../src/history/history-indexer.js";

// The history indexer against a real nats-server: every (message, charge point) gets an entry,
// a restart resumes after its last record, and a broker restart leaves no gap.

const STREAM = "IDX_EVENTS";
const PREFIX = "idx";
const names = historyIndexNames(STREAM, PREFIX);
const silent = { info: () => {}, warn: () => {} };

let nats: NatsServerProcess;
let connection: NatsConnection;
let log: JetStreamEventLog;
let indexer: HistoryIndexer | undefined;
let batches = 0;
// Which charge points each stored message holds events of.
const expected = new Map<number, Set<string>>();

async function store(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    batches += 1;
    const cps = [`CP-${batches % 7}`, `CP-${(batches * 3) % 11}`, "CP-ä.*"];
    const events: LevityEvent[] = cps.map((cpId) =>
      cpEvent("cp.heartbeat", {}, { cpId, ts: 1_700_000_000_000 + batches }),
    );
    const ack = await log.append({
      producer: "gw",
      messageId: batchMessageId("gw", "i", batches),
      data: encodeBatch({ producer: "gw", instance: "i", batch: batches, events }),
    });
    expected.set(ack.sequence, new Set(cps));
  }
}

/** Every entry in the index: (event-stream sequence, subject) pairs, with repeats. */
async function entries(): Promise<{ seq: number; subject: string }[]> {
  const js = (await jetstreamManager(connection)).jetstream();
  const consumer = await js.consumers.get(names.stream, {
    filter_subjects: names.allEntries,
    deliver_policy: DeliverPolicy.All,
  });
  const found: { seq: number; subject: string }[] = [];
  if ((await consumer.info(true)).num_pending === 0) return found;
  const messages = await consumer.consume();
  for await (const message of messages) {
    found.push({ seq: decodeIndexEntry(message.data)?.seq ?? -1, subject: message.subject });
    if (message.info.pending === 0) break;
  }
  await consumer.delete();
  return found;
}

/**
 * One charge point's messages as a reader walks them: its last entry, then back through `prev`;
 * `complete` false when a link is unknown (-1) or wrong (another subject): after an indexer
 * failure; readers then search the index by subject.
 */
async function chain(cpId: string): Promise<{ seqs: Set<number>; complete: boolean }> {
  const jsm = await jetstreamManager(connection);
  const seqs = new Set<number>();
  let stored = await jsm.streams.getMessage(names.stream, { last_by_subj: names.subject(cpId) });
  while (stored) {
    // A link to another subject (only from a run whose record was refused) ends the walk too.
    if (stored.subject !== names.subject(cpId)) return { seqs, complete: false };
    const entry = decodeIndexEntry(stored.data);
    seqs.add(entry?.seq ?? -1);
    if (entry?.prev === -1) return { seqs, complete: false };
    if (!entry?.prev) break;
    stored = await jsm.streams.getMessage(names.stream, { seq: entry.prev });
  }
  return { seqs, complete: true };
}

async function expectChained(options: { allowUnknownLinks: boolean }): Promise<void> {
  const cps = new Set([...expected.values()].flatMap((cps) => [...cps]));
  for (const cpId of cps) {
    const holding = [...expected].filter(([, held]) => held.has(cpId)).map(([seq]) => seq);
    const { seqs, complete } = await chain(cpId);
    if (!options.allowUnknownLinks) expect(complete, cpId).toBe(true);
    if (complete)
      expect(
        [...seqs].sort((a, b) => a - b),
        cpId,
      ).toEqual(holding);
    else for (const seq of seqs) expect(holding, cpId).toContain(seq);
  }
}

function expectComplete(found: { seq: number; subject: string }[]) {
  const pairs = new Set(found.map((entry) => `${entry.seq} ${entry.subject}`));
  for (const [seq, cps] of expected)
    for (const cp of cps)
      expect(pairs.has(`${seq} ${names.subject(cp)}`), `${seq} ${cp}`).toBe(true);
  expect(found.every((entry) => expected.has(entry.seq))).toBe(true);
}

beforeEach(async () => {
  nats = await NatsServerProcess.start();
  connection = await connect({
    servers: nats.url,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 100,
  });
  log = await JetStreamEventLog.open(connection, { stream: STREAM, subjectPrefix: PREFIX });
  expected.clear();
});

afterEach(async () => {
  await indexer?.stop();
  indexer = undefined;
  await log.close();
  await connection.close();
  await nats.dispose();
});

describe("the history indexer", () => {
  it("writes one entry per message and charge point, and resumes after its last record", async () => {
    await store(50);
    indexer = await startHistoryIndexer(connection, {
      stream: STREAM,
      subjectPrefix: PREFIX,
      progressEveryMs: 20,
      logger: silent,
    });
    await eventually(() => expect(indexer?.indexedThrough()).toBe(50));
    await indexer.stop();
    const first = await entries();
    expect(first).toHaveLength([...expected.values()].reduce((sum, cps) => sum + cps.size, 0));
    expectComplete(first);

    await store(30);
    indexer = await startHistoryIndexer(connection, {
      stream: STREAM,
      subjectPrefix: PREFIX,
      progressEveryMs: 20,
      logger: silent,
    });
    await eventually(() => expect(indexer?.indexedThrough()).toBe(80));
    // Stopped cleanly, it indexed nothing twice: it resumed after message 50.
    const second = await entries();
    expect(second).toHaveLength([...expected.values()].reduce((sum, cps) => sum + cps.size, 0));
    expectComplete(second);
    await expectChained({ allowUnknownLinks: false });
  });

  it("rebuilds an index stream deleted under it", async () => {
    await store(40);
    indexer = await startHistoryIndexer(connection, {
      stream: STREAM,
      subjectPrefix: PREFIX,
      progressEveryMs: 20,
      logger: silent,
    });
    await eventually(() => expect(indexer?.indexedThrough()).toBe(40));
    await (await jetstreamManager(connection)).streams.delete(names.stream);
    await store(10);
    await eventually(
      async () => {
        expect(indexer?.indexedThrough()).toBe(50);
        expectComplete(await entries());
      },
      { timeoutMs: 20_000 },
    );
    await expectChained({ allowUnknownLinks: false });
  });

  it("lets a second indexer stand by while the first writes", async () => {
    const start = () =>
      startHistoryIndexer(connection, {
        stream: STREAM,
        subjectPrefix: PREFIX,
        progressEveryMs: 20,
        logger: silent,
      });
    indexer = await start();
    const second = await start();
    try {
      for (let round = 0; round < 5; round++) {
        await store(20);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const last = await log.lastSequence();
      await eventually(() => expect(indexer?.indexedThrough()).toBe(last), { timeoutMs: 30_000 });
      expectComplete(await entries());
      // Started together, one claimed the index and the other never wrote an entry: no
      // interleaved entries, so every chain is whole.
      expect(Math.min(indexer?.entriesWritten() ?? 0, second.entriesWritten())).toBe(0);
      await expectChained({ allowUnknownLinks: false });
    } finally {
      await second.stop();
    }
  });

  it("leaves no gap when nats-server is killed while it indexes", async () => {
    indexer = await startHistoryIndexer(connection, {
      stream: STREAM,
      subjectPrefix: PREFIX,
      progressEveryMs: 20,
      logger: silent,
    });
    await store(200);
    await nats.kill();
    await nats.restart();
    await eventually(async () => expect(await log.lastSequence()).toBeGreaterThan(0), {
      timeoutMs: 20_000,
    });
    await store(100);
    const last = await log.lastSequence();
    await eventually(() => expect(indexer?.indexedThrough()).toBe(last), { timeoutMs: 30_000 });
    expectComplete(await entries());
    await expectChained({ allowUnknownLinks: true });
  });
});
