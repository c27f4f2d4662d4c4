import { storeSyntheticFleet } from "@levity/events/testing";
import { JetStreamEventLog } from "@levity/nats";
import {
  fleetSeries,
  type GatewayProcess,
  type ServiceProcess,
  sampleValue,
  scrapeMetrics,
} from "@levity/testkit";
import { connect } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChaosCluster, projectorMetricsAt } from "./harness/chaos-cluster.js";
import { SimRun } from "./harness/sim-run.js";

let cluster: ChaosCluster;
let gateway: GatewayProcess;
/** The projector that never dies: what the victim must equal. */
let reference: ServiceProcess;
let victim: ServiceProcess;

// The victim snapshots often, so a kill lands between snapshots and the restart resumes from one.
const VICTIM_ENV = { SNAPSHOT_EVERY: "20000", SNAPSHOT_INTERVAL: "1" };

beforeAll(async () => {
  cluster = await ChaosCluster.start();
  gateway = await cluster.gateway("gw-1", { HEARTBEAT_INTERVAL: "1" });
  // It never writes a snapshot (and none exists when it starts), so it folds the whole stream itself.
  reference = await cluster.projector({ SNAPSHOT_EVERY: "1000000000", SNAPSHOT_INTERVAL: "86400" });
});
afterAll(async () => {
  await cluster?.dispose();
});

async function scrape(projector: ServiceProcess) {
  return scrapeMetrics(`${projector.opsUrl}/metrics`);
}

async function isReady(projector: ServiceProcess): Promise<boolean> {
  return (await fetch(`${projector.opsUrl}/readyz`)).ok;
}

/** Both projectors' fleet series once each has applied the whole stream. */
async function bothAtEnd(): Promise<[string[], string[]]> {
  const last = await cluster.lastSequence();
  const [expected, actual] = await Promise.all([
    projectorMetricsAt(reference, last),
    projectorMetricsAt(victim, last),
  ]);
  return [fleetSeries(expected), fleetSeries(actual)];
}

describe("a projector killed with SIGKILL", () => {
  it("in the middle of a replay comes back to the state of one that never died", async () => {
    const connection = await connect({ servers: cluster.nats.url });
    const stored = await storeSyntheticFleet(await JetStreamEventLog.open(connection, {}), 2_000);
    await connection.drain();
    const last = await cluster.lastSequence();

    victim = await cluster.projector(VICTIM_ENV);
    let appliedAtKill = 0;
    for (;;) {
      const metrics = await scrape(victim);
      const snapshot = sampleValue(metrics, "levity_projector_snapshot_sequence") ?? 0;
      appliedAtKill = sampleValue(metrics, "levity_projector_last_applied_sequence") ?? 0;
      if (snapshot > 0 && !(await isReady(victim))) break;
      expect(appliedAtKill, "the replay ended before a snapshot was taken").toBeLessThan(last);
    }
    await victim.process.stop("SIGKILL");
    expect(appliedAtKill).toBeLessThan(last);

    victim = await cluster.projector(VICTIM_ENV, { opsPort: victim.opsPort });
    const [expected, actual] = await bothAtEnd();
    expect(expected.length).toBeGreaterThan(stored.events / 100);
    expect(actual).toEqual(expected);
  });

  it("under live load, twice, comes back to the state of one that never died", async () => {
    const sim = new SimRun([
      ...["--url", gateway.url, "--prefix", "LIVE-", "--count", "50", "--seed", "3"],
      ...["--ramp", "1", "--idle-mean", "1", "--charge-mean", "3", "--meter-interval", "1"],
      ...["--fault-rate", "120", "--reboot-rate", "60", "--drop-rate", "60"],
    ]);
    for (let kill = 0; kill < 2; kill++) {
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await victim.process.stop("SIGKILL");
      victim = await cluster.projector(VICTIM_ENV, { opsPort: victim.opsPort });
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const { summary } = await sim.finish();
    expect(summary.calls).toBeGreaterThan(100);

    const [expected, actual] = await bothAtEnd();
    expect(expected.filter((line) => line.includes("LIVE-")).length).toBeGreaterThan(0);
    expect(actual).toEqual(expected);
  });
});
