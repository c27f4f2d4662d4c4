import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LevityEvent } from "@levity/events";
import {
  eventually,
  type GatewayProcess,
  type ServiceProcess,
  sampleValue,
  scrapeMetrics,
} from "@levity/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChaosCluster, projectorMetricsAt } from "./harness/chaos-cluster.js";
import { SimRun } from "./harness/sim-run.js";
import { auditStorage, readAckLog } from "./harness/storage-audit.js";

let dir: string;
let cluster: ChaosCluster;
let gateway: GatewayProcess;
let projector: ServiceProcess;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "levity-chaos-nats-"));
  cluster = await ChaosCluster.start();
  gateway = await cluster.gateway("gw-1", { HEARTBEAT_INTERVAL: "2", PUBLISH_TIMEOUT_MS: "2000" });
  // Longer than the 20 s outage plus reconnection, so the outage is not taken for a lost gateway.
  projector = await cluster.projector({ GATEWAY_TIMEOUT: "45" });
});
afterAll(async () => {
  await cluster?.dispose();
  await rm(dir, { recursive: true, force: true });
});

/** Resolves once the fleet has had `more` calls acknowledged after this call. */
async function acknowledgedMore(ackLog: string, more: number): Promise<void> {
  const from = (await readAckLog(ackLog)).length;
  await eventually(
    async () => expect((await readAckLog(ackLog)).length).toBeGreaterThan(from + more),
    {
      timeoutMs: 60_000,
    },
  );
}

/** Resolves once each of the fleet's `count` charge points has had a call acknowledged. */
async function everyChargePointAcknowledged(ackLog: string, count: number): Promise<void> {
  await eventually(
    async () =>
      expect(new Set((await readAckLog(ackLog)).map((call) => call.cpId)).size).toBe(count),
    { timeoutMs: 60_000 },
  );
}

async function internalErrorsSent(): Promise<number> {
  const metrics = await scrapeMetrics(`${gateway.opsUrl}/metrics`);
  return (
    sampleValue(metrics, "levity_gateway_callerrors_sent_total", { code: "InternalError" }) ?? 0
  );
}

const count = (events: readonly LevityEvent[], type: LevityEvent["type"], cpId: string) =>
  events.filter((event) => event.type === type && "cpId" in event && event.cpId === cpId).length;

describe("nats-server crashes and stops under steady load", () => {
  it("stores every acknowledged call exactly once, answers InternalError meanwhile, and recovers alone", async () => {
    const ackLog = join(dir, "acks.jsonl");
    const sim = new SimRun([
      ...["--url", gateway.url, "--prefix", "CHAOS-", "--count", "100", "--seed", "8"],
      ...["--ramp", "1", "--idle-mean", "2", "--charge-mean", "4", "--meter-interval", "1"],
      ...["--fault-rate", "60", "--reboot-rate", "30", "--drop-rate", "0"],
      ...["--ack-log", ackLog, "--expect-errors", "InternalError", "--call-timeout", "20000"],
    ]);
    await acknowledgedMore(ackLog, 150);

    // A crash: SIGKILL, no chance to flush; back a second later on the same store.
    const errorsBefore = await internalErrorsSent();
    await cluster.nats.kill();
    await eventually(async () => expect(await internalErrorsSent()).toBeGreaterThan(errorsBefore));
    await cluster.nats.restart();
    await acknowledgedMore(ackLog, 150);

    // A 20 s stop: the projector reports the central system down meanwhile.
    const stoppedAt = Date.now();
    await cluster.nats.stop();
    await eventually(async () =>
      expect(
        sampleValue(await scrapeMetrics(`${projector.opsUrl}/metrics`), "ocpp_central_up"),
      ).toBe(0),
    );
    await new Promise((resolve) => setTimeout(resolve, 20_000 - (Date.now() - stoppedAt)));
    await cluster.nats.restart();
    await acknowledgedMore(ackLog, 150);
    // A charge point whose every call fell in an outage has nothing to audit yet: wait for it.
    await everyChargePointAcknowledged(ackLog, 100);
    await eventually(async () =>
      expect(
        sampleValue(await scrapeMetrics(`${projector.opsUrl}/metrics`), "ocpp_central_up"),
      ).toBe(1),
    );

    const { exitCode, summary } = await sim.finish();
    expect(summary.misbehaviour).toEqual({ schemaInvalid: 0, unexpectedCallError: 0, timeouts: 0 });
    expect(exitCode).toBe(0);
    expect(summary.callErrors.InternalError ?? 0).toBeGreaterThan(0);

    // Every acknowledged call is in the stream exactly once.
    let events: LevityEvent[] = [];
    await eventually(async () => {
      events = await cluster.storedEvents();
      const ids = new Set(
        events.flatMap((e) => (e.type === "session.closed" ? [e.sessionId] : [])),
      );
      const opened = events.filter((e) => e.type === "session.opened");
      expect(opened.every((e) => ids.has(e.sessionId))).toBe(true);
    });
    const acks = await readAckLog(ackLog);
    const audit = auditStorage(acks, events);
    expect(audit.missing).toEqual([]);
    expect(audit.duplicated).toEqual([]);
    // A stored call nobody acknowledged is one whose answer was an error or never arrived.
    expect(audit.storedUnacknowledged).toBeLessThanOrEqual(summary.callErrors.InternalError ?? 0);

    // The projector's counters equal what the charge points did, as the stream records it.
    const metrics = await projectorMetricsAt(projector, await cluster.lastSequence());
    const cps = [...new Set(acks.map((call) => call.cpId))];
    expect(cps).toHaveLength(100);
    for (const cpId of cps) {
      const labels = { cp_id: cpId };
      expect(sampleValue(metrics, "ocpp_cp_boots_total", labels), cpId).toBe(
        count(events, "cp.boot", cpId),
      );
      expect(sampleValue(metrics, "ocpp_cp_disconnects_total", labels), cpId).toBe(
        count(events, "session.closed", cpId),
      );
      expect(sampleValue(metrics, "ocpp_cp_connected", labels), cpId).toBe(0);
      const ackedBoots = acks.filter(
        (c) => c.cpId === cpId && c.action === "BootNotification",
      ).length;
      expect(sampleValue(metrics, "ocpp_cp_boots_total", labels), cpId).toBeGreaterThanOrEqual(
        ackedBoots,
      );
    }
    expect(sampleValue(metrics, "ocpp_central_up")).toBe(1);
  });
});
