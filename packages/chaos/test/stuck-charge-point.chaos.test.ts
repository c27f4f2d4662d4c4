import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually, type GatewayProcess, sampleValue, scrapeMetrics } from "@levity/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChaosCluster } from "./harness/chaos-cluster.js";
import { SimRun } from "./harness/sim-run.js";
import { readAckLog } from "./harness/storage-audit.js";
import { StuckChargePoint } from "./harness/stuck-charge-point.js";

let dir: string;
let cluster: ChaosCluster;
let gateway: GatewayProcess;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "levity-chaos-stuck-"));
  cluster = await ChaosCluster.start();
  gateway = await cluster.gateway("gw-1", { HEARTBEAT_INTERVAL: "1" });
});
afterAll(async () => {
  await cluster?.dispose();
  await rm(dir, { recursive: true, force: true });
});

const gatewayMetrics = () => scrapeMetrics(`${gateway.opsUrl}/metrics`);

describe("charge points that never read", () => {
  it("are dropped by the send-buffer bound while the others carry on", async () => {
    const ackLog = join(dir, "acks.jsonl");
    const sim = new SimRun([
      ...["--url", gateway.url, "--prefix", "OK-", "--count", "50", "--seed", "4", "--ramp", "1"],
      ...["--idle-mean", "2", "--charge-mean", "4", "--meter-interval", "1", "--drop-rate", "0"],
      ...["--reboot-rate", "0", "--ack-log", ackLog],
    ]);
    await eventually(async () => expect((await readAckLog(ackLog)).length).toBeGreaterThan(100));

    const stuck = await Promise.all(
      [1, 2, 3].map((n) => StuckChargePoint.connect(gateway.ocppPort, `STUCK-${n}`)),
    );
    const sent = await Promise.all(stuck.map((cp) => cp.sendUntilDropped(2_000_000)));
    expect(sent.every((frames) => frames < 2_000_000)).toBe(true);
    await eventually(async () =>
      expect(
        sampleValue(await gatewayMetrics(), "levity_gateway_sessions_closed_total", {
          reason: "slow-consumer",
        }),
      ).toBe(3),
    );
    for (const cp of stuck) cp.destroy();

    // The well-behaved fleet kept being answered during and after.
    const acknowledged = (await readAckLog(ackLog)).length;
    await eventually(async () =>
      expect((await readAckLog(ackLog)).length).toBeGreaterThan(acknowledged + 100),
    );
    const { exitCode, summary } = await sim.finish();
    expect(summary.misbehaviour).toEqual({ schemaInvalid: 0, unexpectedCallError: 0, timeouts: 0 });
    expect(summary.reconnects).toBe(0);
    expect(exitCode).toBe(0);
    expect(sampleValue(await gatewayMetrics(), "levity_gateway_connections")).toBe(0);
  });
});
