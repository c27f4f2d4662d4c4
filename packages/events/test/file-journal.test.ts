import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { encodeBatch, FileJournal, InProcessEventLog, JournalCorruptError } from "../src/index.js";
import { append, eventLogContract } from "../src/testing/event-log-contract.js";
import { cpEvent, readEvents } from "../src/testing/index.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "levity-journal-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function openLog(path: string) {
  const { journal, contents } = await FileJournal.open(path);
  return { log: new InProcessEventLog({ journal, initial: contents.messages }), contents };
}

const batch = (cpId: string, n: number) => ({
  producer: "gw",
  instance: "i",
  batch: n,
  events: [cpEvent("cp.heartbeat", {}, { cpId })],
});

eventLogContract("in-process with a file journal", async () => {
  const path = join(await mkdtemp(join(tmpdir(), "levity-journal-")), "events.jsonl");
  const { log } = await openLog(path);
  return { log, dispose: () => log.close() };
});

describe("file journal", () => {
  it("keeps each message's key across a restart, so a key's next append still needs its last", async () => {
    const path = join(dir, "events.jsonl");
    const first = await openLog(path);
    const message = { producer: "api", messageId: "k1", data: encodeBatch(batch("K", 1)) };
    expect(await first.log.appendKeyed("cmd-9", message, 0)).toEqual({ ok: true, sequence: 1 });
    await first.log.close();
    const second = await openLog(path);
    expect((await second.log.lastOfKey("cmd-9"))?.sequence).toBe(1);
    const again = { ...message, messageId: "k1-again" };
    expect(await second.log.appendKeyed("cmd-9", again, 0)).toMatchObject({ ok: false });
    await second.log.close();
  });

  it("keeps every message across a restart, in order", async () => {
    const path = join(dir, "events.jsonl");
    const first = await openLog(path);
    await append(first.log, batch("A", 1), "m1");
    await append(first.log, batch("B", 2), "m2");
    await first.log.close();
    const second = await openLog(path);
    expect(second.contents.repaired).toBeUndefined();
    expect(await second.log.lastSequence()).toBe(2);
    await append(second.log, batch("C", 3), "m3");
    expect(await append(second.log, batch("A", 1), "m1")).toEqual({ sequence: 1, duplicate: true });
    expect((await readEvents(second.log)).map((e) => "cpId" in e && e.cpId)).toEqual([
      "A",
      "B",
      "C",
    ]);
    await second.log.close();
  });

  it("detects a truncated last line, reports it, and keeps everything before it", async () => {
    const path = join(dir, "events.jsonl");
    const first = await openLog(path);
    await append(first.log, batch("A", 1), "m1");
    await append(first.log, batch("B", 2), "m2");
    await first.log.close();
    const text = await readFile(path, "utf8");
    await writeFile(path, text.slice(0, text.length - 25));
    const second = await openLog(path);
    expect(second.contents.repaired).toEqual({ line: 2, reason: "last line truncated or corrupt" });
    expect((await readEvents(second.log)).map((e) => "cpId" in e && e.cpId)).toEqual(["A"]);
    await append(second.log, batch("C", 3), "m3");
    await second.log.close();
    const third = await openLog(path);
    expect((await readEvents(third.log)).map((e) => "cpId" in e && e.cpId)).toEqual(["A", "C"]);
    await third.log.close();
  });

  it("keeps a complete last line that lost only its newline", async () => {
    const path = join(dir, "events.jsonl");
    const first = await openLog(path);
    await append(first.log, batch("A", 1), "m1");
    await first.log.close();
    await writeFile(path, (await readFile(path, "utf8")).trimEnd());
    const second = await openLog(path);
    await append(second.log, batch("B", 2), "m2");
    await second.log.close();
    const third = await openLog(path);
    expect((await readEvents(third.log)).map((e) => "cpId" in e && e.cpId)).toEqual(["A", "B"]);
    await third.log.close();
  });

  it("refuses a journal damaged before its last line", async () => {
    const path = join(dir, "events.jsonl");
    const first = await openLog(path);
    await append(first.log, batch("A", 1), "m1");
    await first.log.close();
    await appendFile(path, "garbage\n");
    await appendFile(path, `${(await readFile(path, "utf8")).split("\n")[0]}\n`);
    await expect(FileJournal.open(path)).rejects.toBeInstanceOf(JournalCorruptError);
  });
});
