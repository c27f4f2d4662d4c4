import { encodeBatch, InProcessEventLog, type LevityEvent } from "@levity/events";
import { readEvents } from "@levity/events/testing";
import { createLogger } from "@levity/service-kit";
import { eventually, parseMetricsText, sampleValue } from "@levity/testkit";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { startProjector } from "../../src/projector.js";
import { InMemorySnapshotStore } from "../../src/snapshots/snapshot-store.js";
import { evolve } from "../../src/state/evolve.js";
import { EMPTY_STATE } from "../../src/state/projection-state.js";
import { Scenario, type Where } from "../state/scenario.js";

const A: Where = { cp: "CP-1", session: "s1", gateway: "gw-a" };
const silent = createLogger({ service: "test", level: "silent" });
const settings = {
  gatewayTimeout: 30,
  maxStaleness: 10,
  snapshotEvery: 1_000_000,
  snapshotInterval: 3_600,
  maxProjectedChargePoints: 100_000,
  maxErrorTypes: 32,
};

let batchNo = 0;
async function store(log: InProcessEventLog, events: LevityEvent[]) {
  batchNo += 1;
  await log.append({
    producer: "gw-a",
    messageId: `gw-a/a1/${batchNo}`,
    data: encodeBatch({ producer: "gw-a", instance: "a1", batch: batchNo, events }),
  });
}

function projector(
  log: InProcessEventLog,
  snapshots = new InMemorySnapshotStore(),
  now = Date.now,
) {
  const registry = new Registry();
  return {
    registry,
    started: startProjector(settings, {
      log,
      snapshots,
      connected: () => true,
      registry,
      logger: silent,
      now,
    }),
  };
}

describe("projector over the in-process log", () => {
  it("replays what is stored, becomes ready, then follows", async () => {
    const log = new InProcessEventLog();
    const scenario = new Scenario().alive("gw-a", "a1").open(A, "a1").boot(A);
    await store(log, scenario.events);
    const p = await projector(log).started;
    await p.whenReady();
    expect(p.state().cps.get("CP-1")?.boots).toBe(1);
    await store(log, new Scenario().boot(A).events);
    await eventually(() => expect(p.state().cps.get("CP-1")?.boots).toBe(2));
    await p.stop();
  });

  it("is not ready until the replay reaches the stream's end as of start", async () => {
    const log = new InProcessEventLog();
    for (let i = 0; i < 3; i++) await store(log, new Scenario().open(A).boot(A).events);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const read = log.read.bind(log);
    log.read = (from: number) => {
      const reader = read(from);
      return {
        close: () => reader.close(),
        async *[Symbol.asyncIterator]() {
          for await (const record of reader) {
            if (record.sequence === 3) await gate;
            yield record;
          }
        },
      };
    };
    const p = await projector(log).started;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(p.ready()).toBe(false);
    release();
    await p.whenReady();
    expect(p.ready()).toBe(true);
    await p.stop();
  });

  it("restarts from its snapshot and reads only what came after it", async () => {
    const log = new InProcessEventLog();
    const snapshots = new InMemorySnapshotStore();
    const scenario = new Scenario().alive("gw-a", "a1").open(A, "a1").boot(A).start(A, 1, "1");
    await store(log, scenario.events.slice(0, 2));
    await store(log, scenario.events.slice(2));
    const first = await projector(log, snapshots).started;
    await first.whenReady();
    await first.stop();
    const later = new Scenario().boot(A).events;
    await store(log, later);
    const reads: number[] = [];
    const read = log.read.bind(log);
    log.read = (from: number) => {
      reads.push(from);
      return read(from);
    };
    const second = await projector(log, snapshots).started;
    await second.whenReady();
    expect(reads).toEqual([3]);
    const all = (await readEvents(log)).reduce(evolve, EMPTY_STATE);
    expect(second.state().cps.toJS()).toEqual(all.cps.toJS());
    await second.stop();
  });

  it("reports the snapshot's sequence as applied when nothing came after it", async () => {
    const log = new InProcessEventLog();
    const snapshots = new InMemorySnapshotStore();
    await store(log, new Scenario().open(A).boot(A).events);
    const first = await projector(log, snapshots).started;
    await first.whenReady();
    await first.stop();
    const { registry, started } = projector(log, snapshots);
    const second = await started;
    await second.whenReady();
    const own = parseMetricsText(await registry.metrics());
    expect(sampleValue(own, "levity_projector_snapshot_sequence")).toBe(1);
    expect(sampleValue(own, "levity_projector_last_applied_sequence")).toBe(1);
    await second.stop();
  });

  it("ignores an unreadable snapshot and replays from the start", async () => {
    const log = new InProcessEventLog();
    await store(log, new Scenario().open(A).boot(A).events);
    const snapshots = new InMemorySnapshotStore();
    await snapshots.save(new TextEncoder().encode("not a snapshot"));
    const p = await projector(log, snapshots).started;
    await p.whenReady();
    expect(p.state().cps.get("CP-1")?.boots).toBe(1);
    await p.stop();
  });

  it("counts and skips what breaks the contract, and keeps going", async () => {
    const log = new InProcessEventLog();
    await log.append({
      producer: "x",
      messageId: "garbage",
      data: new TextEncoder().encode("{oops"),
    });
    const valid = new Scenario().open(A).boot(A).events;
    await log.append({
      producer: "gw-a",
      messageId: "mixed",
      data: new TextEncoder().encode(
        JSON.stringify({
          v: 1,
          producer: "gw-a",
          instance: "z",
          batch: 1,
          events: [valid[0], { type: "cp.boot", v: 1 }, valid[1]],
        }),
      ),
    });
    const { registry, started } = projector(log);
    const p = await started;
    await p.whenReady();
    expect(p.state().cps.get("CP-1")?.boots).toBe(1);
    const own = parseMetricsText(await registry.metrics());
    expect(
      sampleValue(own, "levity_projector_events_rejected_total", { reason: "unreadable-message" }),
    ).toBe(1);
    expect(
      sampleValue(own, "levity_projector_events_rejected_total", { reason: "contract-violation" }),
    ).toBe(1);
    expect(sampleValue(own, "levity_projector_last_applied_sequence")).toBe(2);
    await p.stop();
  });

  it("is stalled, not ready and decides nothing while its reader stops and the stream grows", async () => {
    const log = new InProcessEventLog();
    let now = 1_000_000;
    await store(log, new Scenario().alive("gw-a", "a1").open(A, "a1").events);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const read = log.read.bind(log);
    log.read = (from: number) => {
      const reader = read(from);
      return {
        close: () => reader.close(),
        async *[Symbol.asyncIterator]() {
          for await (const record of reader) {
            if (record.sequence >= 2) await gate;
            yield record;
          }
        },
      };
    };
    const { registry, started } = projector(log, new InMemorySnapshotStore(), () => now);
    const p = await started;
    await p.whenReady();
    // The gateway keeps reporting alive, but the reader no longer delivers it.
    await store(log, new Scenario().alive("gw-a", "a1").events);
    now += 31_000;
    await eventually(
      async () => {
        const own = parseMetricsText(await registry.metrics());
        expect(sampleValue(own, "levity_projector_stalled")).toBe(1);
        expect(sampleValue(own, "levity_projector_ready")).toBe(0);
        expect(sampleValue(own, "levity_projector_consumer_lag_messages")).toBe(1);
        expect(sampleValue(own, "levity_projector_stream_last_sequence")).toBe(2);
      },
      { timeoutMs: 5_000 },
    );
    expect(p.ready()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(p.state().gateways.get("gw-a")?.up).toBe(true);
    release();
    await eventually(() => expect(p.ready()).toBe(true), { timeoutMs: 5_000 });
    const own = parseMetricsText(await registry.metrics());
    expect(sampleValue(own, "levity_projector_consumer_lag_messages")).toBe(0);
    expect((await readEvents(log)).filter((e) => e.type === "gateway.lost")).toEqual([]);
    await p.stop();
  });

  it("turns a gateway's silence into a stored gateway.lost that closes its sessions", async () => {
    const log = new InProcessEventLog();
    let now = 1_000_000;
    await store(log, new Scenario().alive("gw-a", "a1").open(A, "a1").events);
    const p = await projector(log, new InMemorySnapshotStore(), () => now).started;
    await p.whenReady();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    now += 31_000;
    await eventually(() => expect(p.state().gateways.get("gw-a")?.up).toBe(false), {
      timeoutMs: 5_000,
    });
    expect(p.state().cps.get("CP-1")?.sessions).toEqual([]);
    const decisions = (await readEvents(log)).filter((e) => e.type === "gateway.lost");
    expect(decisions).toHaveLength(1);
    await p.stop();
  });
});
