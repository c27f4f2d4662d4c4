import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type AppendAck,
  type EventBatch,
  type EventLog,
  encodeBatch,
  type LevityEvent,
  type LogReader,
  type LogRecord,
} from "../index.js";
import { cpEvent } from "./event-builders.js";

/** A log under test and how to release it. */
export interface LogFixture {
  readonly log: EventLog;
  dispose(): Promise<void>;
}

/** Stores a batch under a message id. */
export function append(log: EventLog, batch: EventBatch, messageId: string): Promise<AppendAck> {
  return log.append({ producer: batch.producer, messageId, data: encodeBatch(batch) });
}

/** Takes `count` records from a reader, then closes it. */
export async function take(reader: LogReader, count: number): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  if (count === 0) return records;
  for await (const record of reader) {
    records.push(record);
    if (records.length === count) break;
  }
  await reader.close();
  return records;
}

function eventsOf(records: readonly LogRecord[]): LevityEvent[] {
  return records.flatMap((record) => (record.ok ? record.batch.events : []));
}

let batchNo = 0;
function batchOf(events: LevityEvent[], producer = "gw-1"): EventBatch {
  batchNo += 1;
  return { producer, instance: "i1", batch: batchNo, events };
}

const heartbeat = (cpId: string) => cpEvent("cp.heartbeat", {}, { cpId });

/** The behaviour every EventLog adapter must share. */
export function eventLogContract(name: string, open: () => Promise<LogFixture>): void {
  describe(`EventLog contract: ${name}`, () => {
    let fixture: LogFixture;
    let log: EventLog;

    beforeEach(async () => {
      fixture = await open();
      log = fixture.log;
    });
    afterEach(async () => {
      await fixture.dispose();
    });

    it("starts empty", async () => {
      expect(await log.lastSequence()).toBe(0);
    });

    it("gives each stored message the next sequence", async () => {
      const first = await append(log, batchOf([heartbeat("A")]), "m1");
      const second = await append(log, batchOf([heartbeat("B")]), "m2");
      expect(first).toEqual({ sequence: 1, duplicate: false });
      expect(second).toEqual({ sequence: 2, duplicate: false });
      expect(await log.lastSequence()).toBe(2);
    });

    it("stores a message id seen twice only once", async () => {
      const batch = batchOf([heartbeat("A")]);
      const first = await append(log, batch, "same-id");
      const retry = await append(log, batch, "same-id");
      expect(retry).toEqual({ sequence: first.sequence, duplicate: true });
      await append(log, batchOf([heartbeat("B")]), "other-id");
      expect(await log.lastSequence()).toBe(2);
      const records = await take(log.read(1), 2);
      expect(eventsOf(records).map((e) => e.type === "cp.heartbeat" && e.cpId)).toEqual(["A", "B"]);
    });

    it("reads a batch back event by event, in order, with its producer", async () => {
      const events = ["A", "B", "C", "D"].map(heartbeat);
      const batch = { producer: "gw.2 *", instance: "i9", batch: 12, events };
      await append(log, batch, "b12");
      const [record] = await take(log.read(1), 1);
      expect(record).toEqual({
        sequence: 1,
        ok: true,
        batch: { producer: "gw.2 *", instance: "i9", batch: 12, events, rejected: [] },
      });
    });

    it("replays in order from a given sequence", async () => {
      for (let i = 1; i <= 5; i++) await append(log, batchOf([heartbeat(`CP${i}`)]), `m${i}`);
      const records = await take(log.read(3), 3);
      expect(records.map((r) => r.sequence)).toEqual([3, 4, 5]);
      expect(eventsOf(records).map((e) => "cpId" in e && e.cpId)).toEqual(["CP3", "CP4", "CP5"]);
    });

    it("follows the tail after replaying", async () => {
      await append(log, batchOf([heartbeat("old")]), "old");
      const reader = log.read(1);
      const received = take(reader, 3);
      await append(log, batchOf([heartbeat("new-1")]), "new-1");
      await append(log, batchOf([heartbeat("new-2")]), "new-2");
      const records = await received;
      expect(records.map((r) => r.sequence)).toEqual([1, 2, 3]);
      expect(eventsOf(records).map((e) => "cpId" in e && e.cpId)).toEqual([
        "old",
        "new-1",
        "new-2",
      ]);
    });

    it("waits at the end of an empty log for the first message", async () => {
      const received = take(log.read(1), 1);
      await append(log, batchOf([heartbeat("first")]), "first");
      const [record] = await received;
      expect(record?.sequence).toBe(1);
    });

    it("lets several readers follow independently", async () => {
      const a = take(log.read(1), 2);
      const b = take(log.read(2), 1);
      await append(log, batchOf([heartbeat("A")]), "x1");
      await append(log, batchOf([heartbeat("B")]), "x2");
      expect((await a).map((r) => r.sequence)).toEqual([1, 2]);
      expect((await b).map((r) => r.sequence)).toEqual([2]);
    });

    it("stores a keyed message only after the key's last message it names", async () => {
      const message = (id: string) => ({
        producer: "api",
        messageId: id,
        data: encodeBatch(batchOf([heartbeat(id)], "api")),
      });
      await append(log, batchOf([heartbeat("before")]), "b0");
      expect(await log.lastOfKey("cmd-1")).toBeUndefined();
      expect(await log.appendKeyed("cmd-1", message("k1"), 0)).toEqual({ ok: true, sequence: 2 });
      // A racer that also expected an empty key loses, and stores nothing, even when it sends
      // the very same message (id and all), as a retry or a second caller with one key would.
      expect(await log.appendKeyed("cmd-1", message("k1-racer"), 0)).toEqual({
        ok: false,
        conflict: "key-moved",
      });
      expect(await log.appendKeyed("cmd-1", message("k1"), 0)).toEqual({
        ok: false,
        conflict: "key-moved",
      });
      expect(await log.appendKeyed("cmd-1", message("k2"), 2)).toEqual({ ok: true, sequence: 3 });
      expect(await log.appendKeyed("cmd-1", message("k3"), 2)).toMatchObject({ ok: false });
      expect(await log.appendKeyed("cmd-2", message("other"), 0)).toEqual({
        ok: true,
        sequence: 4,
      });
      expect(await log.lastSequence()).toBe(4);
      const last = await log.lastOfKey("cmd-1");
      expect(last?.sequence).toBe(3);
      expect(last?.record.ok && eventsOf([last.record]).map((e) => "cpId" in e && e.cpId)).toEqual([
        "k2",
      ]);
      const first = await log.at(2);
      expect(first?.ok && eventsOf([first]).map((e) => "cpId" in e && e.cpId)).toEqual(["k1"]);
      expect(await log.at(99)).toBeUndefined();
      // Keyed messages are part of the one ordered log every reader sees.
      const records = await take(log.read(1), 4);
      expect(records.map((r) => r.sequence)).toEqual([1, 2, 3, 4]);
    });

    it("ends a reader when it is closed", async () => {
      await append(log, batchOf([heartbeat("A")]), "c1");
      const reader = log.read(1);
      const seen: number[] = [];
      for await (const record of reader) {
        seen.push(record.sequence);
        await reader.close();
      }
      expect(seen).toEqual([1]);
    });
  });
}
