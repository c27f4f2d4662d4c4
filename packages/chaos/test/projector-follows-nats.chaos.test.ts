import type { LevityEvent } from "@levity/events";
import {
  eventually,
  fleetSeries,
  type GatewayProcess,
  type ParsedMetrics,
  type ServiceProcess,
  sampleValue,
  scrapeMetrics,
} from "@levity/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChaosCluster, projectorMetricsAt } from "./harness/chaos-cluster.js";
import { ProjectorWatch, sampleProjector } from "./harness/projector-watch.js";
import { SimRun } from "./harness/sim-run.js";

// Short on purpose: a projector that takes its own delay for a gateway's silence shows it at once.
const GATEWAY_TIMEOUT_S = 5;
const MAX_STALENESS_S = 3;
const PER_GATEWAY = 20;
const FLEET = Array.from({ length: 2 * PER_GATEWAY }, (_, i) => `FOLLOW-${i + 1}`);

let cluster: ChaosCluster;
let gateways: GatewayProcess[];
let projector: ServiceProcess;
let sims: SimRun[];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once the projector says ready and has applied the stream as it ends now. */
async function caughtUp(target: ServiceProcess, timeoutMs?: number): Promise<ParsedMetrics> {
  return projectorMetricsAt(target, await cluster.lastSequence(), timeoutMs);
}

async function readyz(target: ServiceProcess): Promise<number> {
  return (await fetch(`${target.opsUrl}/readyz`)).status;
}

const lostDecisions = (events: readonly LevityEvent[]) =>
  events.filter((event) => event.type === "gateway.lost");

beforeAll(async () => {
  cluster = await ChaosCluster.start();
  gateways = await Promise.all(
    ["gw-a", "gw-b"].map((id) =>
      cluster.gateway(id, { HEARTBEAT_INTERVAL: "2", PUBLISH_TIMEOUT_MS: "2000" }),
    ),
  );
  projector = await cluster.projector({
    GATEWAY_TIMEOUT: String(GATEWAY_TIMEOUT_S),
    MAX_STALENESS: String(MAX_STALENESS_S),
  });
  // A steady fleet of 40 charge points on two gateways, connected throughout the suite.
  sims = gateways.map(
    (gateway, index) =>
      new SimRun(
        [
          ...["--url", gateway.url, "--prefix", "FOLLOW-", "--seed", String(11 + index)],
          ...["--first", String(1 + index * PER_GATEWAY), "--count", String(PER_GATEWAY)],
          ...["--ramp", "1", "--idle-mean", "2", "--charge-mean", "8", "--meter-interval", "1"],
          ...["--fault-rate", "0", "--reboot-rate", "0", "--drop-rate", "0"],
          ...["--expect-errors", "InternalError", "--call-timeout", "20000"],
        ],
        "suite",
      ),
  );
  await eventually(
    async () =>
      expect((await sampleProjector(projector.opsUrl, FLEET)).connected).toBe(FLEET.length),
    { timeoutMs: 30_000 },
  );
});
afterAll(async () => {
  await Promise.all((sims ?? []).map((sim) => sim.kill()));
  await cluster?.dispose();
});

describe("the projector follows the stream through nats-server faults", () => {
  it("resumes after a SIGKILL and restart of nats-server, declaring no live gateway lost", async () => {
    const watch = new ProjectorWatch(projector.opsUrl, FLEET);
    await cluster.nats.kill();
    await sleep(1_000);
    await cluster.nats.restart();
    // Back at the stream's end as it stood when NATS came back (it stalled ~45 s here before).
    const backAt = await cluster.lastSequence();
    await projectorMetricsAt(projector, backAt, 15_000);
    // Keep the load on for twice the gateway timeout: a false decision would have time to show.
    await sleep(2 * GATEWAY_TIMEOUT_S * 1_000);
    const samples = await watch.stop();

    expect(samples.filter((sample) => sample.connected !== FLEET.length)).toEqual([]);
    expect(samples.filter((sample) => sample.disconnects !== 0)).toEqual([]);
    expect(samples.filter((sample) => sample.lostDecisions !== 0)).toEqual([]);
    expect(lostDecisions(await cluster.storedEvents())).toEqual([]);
    expect(sampleValue(await caughtUp(projector), "levity_projector_stalled")).toBe(0);
  });

  it("is not ready while nats-server is frozen for longer than the gateway timeout, and declares no gateway lost", async () => {
    const watch = new ProjectorWatch(projector.opsUrl, FLEET);
    cluster.nats.pause();
    const pausedAt = Date.now();
    try {
      await eventually(async () => expect(await readyz(projector)).toBe(503), {
        timeoutMs: 15_000,
      });
      const metrics = await scrapeMetrics(`${projector.opsUrl}/metrics`);
      expect(sampleValue(metrics, "levity_projector_stalled")).toBe(1);
      expect(sampleValue(metrics, "levity_projector_ready")).toBe(0);
      await sleep(2 * GATEWAY_TIMEOUT_S * 1_000 - (Date.now() - pausedAt));
    } finally {
      cluster.nats.resume();
    }
    await caughtUp(projector, 15_000);
    await sleep(2 * GATEWAY_TIMEOUT_S * 1_000);
    const samples = await watch.stop();

    expect(samples.some((sample) => !sample.ready)).toBe(true);
    expect(samples.filter((sample) => sample.connected !== FLEET.length)).toEqual([]);
    expect(samples.filter((sample) => sample.disconnects !== 0)).toEqual([]);
    expect(samples.filter((sample) => sample.lostDecisions !== 0)).toEqual([]);
    expect(lostDecisions(await cluster.storedEvents())).toEqual([]);
  });

  it("stops the fleet with nothing lost and every charge point answered", async () => {
    for (const sim of sims) {
      const { exitCode, summary } = await sim.finish();
      expect(summary.misbehaviour).toEqual({
        schemaInvalid: 0,
        unexpectedCallError: 0,
        timeouts: 0,
      });
      expect(exitCode).toBe(0);
    }
  });

  it("starts while NATS is down: alive, not ready, then replays to the same state once NATS is back", async () => {
    await cluster.nats.stop();
    const late = await cluster.projector({ GATEWAY_TIMEOUT: String(GATEWAY_TIMEOUT_S) });
    expect((await fetch(`${late.opsUrl}/healthz`)).status).toBe(200);
    expect(await readyz(late)).toBe(503);
    await cluster.nats.restart();

    const last = await cluster.lastSequence();
    const [first, second] = await Promise.all(
      [projector, late].map((target) => projectorMetricsAt(target, last, 30_000)),
    );
    expect(fleetSeries(second as ParsedMetrics)).toEqual(fleetSeries(first as ParsedMetrics));
    expect(lostDecisions(await cluster.storedEvents())).toEqual([]);
  });
});
