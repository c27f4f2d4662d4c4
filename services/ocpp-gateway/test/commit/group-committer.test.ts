import {
  type AppendAck,
  type EventLog,
  InProcessEventLog,
  type OutgoingMessage,
} from "@levity/events";
import { cpEvent, readRecords } from "@levity/events/testing";
import { eventually } from "@levity/testkit";
import { describe, expect, it } from "vitest";
import {
  CommitFailedError,
  type CommitObserver,
  GroupCommitter,
} from "../../src/commit/group-committer.js";

/** A log whose appends are never acknowledged, as when the broker dies holding them. */
class SilentLog extends InProcessEventLog {
  appends = 0;
  override append(): Promise<AppendAck> {
    this.appends += 1;
    return new Promise(() => {});
  }
}

/** An in-process log whose appends can be made to fail, as a broker outage would. */
class FlakyLog extends InProcessEventLog {
  failing = false;
  appends = 0;
  override async append(message: OutgoingMessage): Promise<AppendAck> {
    this.appends += 1;
    if (this.failing) throw new Error("broker unreachable");
    return super.append(message);
  }
}

function observer() {
  const seen = { commits: [] as number[], failures: 0, depth: 0, dropped: 0 };
  const reports: CommitObserver = {
    committed: (events) => seen.commits.push(events),
    failed: () => {
      seen.failures += 1;
    },
    outboxDepth: (events) => {
      seen.depth = events;
    },
    outboxDropped: (events) => {
      seen.dropped += events;
    },
  };
  return { seen, reports };
}

function committer(
  log: EventLog,
  overrides: {
    available?: () => boolean;
    onUnavailable?: (listener: () => void) => () => void;
    maxEvents?: number;
    outboxLimit?: number;
  } = {},
) {
  const { seen, reports } = observer();
  const instance = new GroupCommitter(
    log,
    {
      producer: "gw-1",
      instance: "i1",
      maxEvents: overrides.maxEvents ?? 100,
      maxSize: 1_000_000,
      outboxLimit: overrides.outboxLimit ?? 1000,
      available: overrides.available ?? (() => true),
      ...(overrides.onUnavailable ? { onUnavailable: overrides.onUnavailable } : {}),
      retryDelayMs: 10,
    },
    reports,
  );
  return { committer: instance, seen };
}

/** The committer's callback as a promise, for readable tests. */
function submit(committer: GroupCommitter, events: string[]): Promise<void> {
  return new Promise((resolve, reject) =>
    committer.submit(events, (error) => (error ? reject(error) : resolve())),
  );
}

const json = (cpId: string) => JSON.stringify(cpEvent("cp.heartbeat", {}, { cpId }));

describe("group commit", () => {
  it("stores what arrives together as one message, in submission order", async () => {
    const log = new InProcessEventLog();
    const { committer: c, seen } = committer(log);
    await Promise.all(["A", "B", "C"].map((cp) => submit(c, [json(cp)])));
    const records = await readRecords(log);
    expect(records).toHaveLength(1);
    const [record] = records;
    expect(record?.ok && record.batch.events.map((e) => "cpId" in e && e.cpId)).toEqual([
      "A",
      "B",
      "C",
    ]);
    expect(record?.ok && record.batch).toMatchObject({
      producer: "gw-1",
      instance: "i1",
      batch: 1,
    });
    expect(seen.commits).toEqual([3]);
  });

  it("gathers what arrives during a commit into the next one, numbered in order", async () => {
    const log = new InProcessEventLog();
    const { committer: c } = committer(log);
    const first = submit(c, [json("A")]);
    await new Promise((resolve) => setImmediate(resolve));
    const rest = ["B", "C", "D"].map((cp) => submit(c, [json(cp)]));
    await Promise.all([first, ...rest]);
    const records = await readRecords(log);
    expect(records.map((r) => r.ok && [r.batch.batch, r.batch.events.length])).toEqual([
      [1, 1],
      [2, 3],
    ]);
  });

  it("bounds the events of one message", async () => {
    const log = new InProcessEventLog();
    const { committer: c } = committer(log, { maxEvents: 2 });
    await Promise.all(["A", "B", "C", "D", "E"].map((cp) => submit(c, [json(cp)])));
    const records = await readRecords(log);
    expect(records.map((r) => r.ok && r.batch.events.length)).toEqual([2, 2, 1]);
  });

  it("fails the callers of a commit the log did not acknowledge", async () => {
    const log = new FlakyLog();
    const { committer: c, seen } = committer(log);
    log.failing = true;
    await expect(submit(c, [json("A")])).rejects.toBeInstanceOf(CommitFailedError);
    expect(seen.failures).toBe(1);
    log.failing = false;
    await submit(c, [json("B")]);
    const events = (await readRecords(log)).flatMap((r) => (r.ok ? r.batch.events : []));
    expect(events.map((e) => "cpId" in e && e.cpId)).toEqual(["B"]);
  });

  it("fails at once, without trying, while the log is unavailable", async () => {
    const log = new FlakyLog();
    let up = false;
    const { committer: c } = committer(log, { available: () => up });
    await expect(submit(c, [json("A")])).rejects.toThrow("unavailable");
    expect(log.appends).toBe(0);
    up = true;
    await submit(c, [json("B")]);
    expect(log.appends).toBe(1);
  });

  it("fails the commit in flight as soon as the log becomes unreachable, not after its timeout", async () => {
    const silent = new SilentLog();
    const listeners = new Set<() => void>();
    const { committer: c, seen } = committer(silent, {
      onUnavailable: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    });
    const pending = submit(c, [json("A")]);
    await eventually(() => expect(silent.appends).toBe(1));
    for (const listener of listeners) listener();
    await expect(pending).rejects.toThrow(CommitFailedError);
    expect(seen.failures).toBe(1);
    expect(listeners.size).toBe(0);
  });

  it("retries must-store events until the log takes them, ahead of later events", async () => {
    const log = new FlakyLog();
    const { committer: c, seen } = committer(log);
    log.failing = true;
    c.store([json("closed-1")]);
    await eventually(() => expect(seen.failures).toBeGreaterThan(1));
    expect(c.outboxDepth).toBe(1);
    log.failing = false;
    await submit(c, [json("after")]);
    expect(await c.flush(5_000)).toBe(true);
    const events = (await readRecords(log)).flatMap((r) => (r.ok ? r.batch.events : []));
    expect(events.map((e) => "cpId" in e && e.cpId)).toEqual(["closed-1", "after"]);
    expect(c.outboxDepth).toBe(0);
    expect(seen.depth).toBe(0);
  });

  it("keeps must-store events while the log is unavailable and bounds them", async () => {
    const log = new FlakyLog();
    let up = false;
    const { committer: c, seen } = committer(log, { available: () => up, outboxLimit: 3 });
    for (const cp of ["1", "2", "3", "4", "5"]) c.store([json(cp)]);
    expect(c.outboxDepth).toBe(3);
    expect(seen.dropped).toBe(2);
    up = true;
    expect(await c.flush(5_000)).toBe(true);
    const events = (await readRecords(log)).flatMap((r) => (r.ok ? r.batch.events : []));
    expect(events.map((e) => "cpId" in e && e.cpId)).toEqual(["3", "4", "5"]);
    c.stop();
  });

  it("reports a flush that cannot complete in time", async () => {
    const log = new FlakyLog();
    log.failing = true;
    const { committer: c } = committer(log);
    c.store([json("stuck")]);
    expect(await c.flush(50)).toBe(false);
    c.stop();
  });
});
