import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  eventually,
  type GatewayProcess,
  LEVITY_PROGRAMS,
  type ParsedMetrics,
  type ServiceProcess,
  sampleValue,
  scrapeMetrics,
  spawnProcess,
} from "@levity/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChaosCluster } from "./harness/chaos-cluster.js";
import { SimRun } from "./harness/sim-run.js";
import { TcpCutter } from "./harness/tcp-cutter.js";

// Within this machine's 20,000 open files per process: the relay holds two per charge point.
const FLEET = 5_000;
let cluster: ChaosCluster;
let gateway: GatewayProcess;
let projector: ServiceProcess;
let cutter: TcpCutter;
let dir: string;
let key: string;

/**
 * Registers the whole fleet (security profile 1) with one key made by levity-admin, so every
 * charge point of the storm passes admission, not the open mode.
 */
async function registerFleet(file: string): Promise<string> {
  const admin = spawnProcess(process.execPath, [
    ...[
      LEVITY_PROGRAMS.admin,
      "cp",
      "add",
      "STORM-1",
      "--profile",
      "1",
      "--generate",
      "--file",
      file,
    ],
  ]);
  if ((await admin.exited).code !== 0) throw new Error(`levity-admin failed:\n${admin.output}`);
  const key = /AuthorizationKey[^:]*: (\S+)/.exec(admin.output)?.[1];
  const { chargePoints } = JSON.parse(await readFile(file, "utf8")) as {
    chargePoints: { passwordHash: string }[];
  };
  const passwordHash = chargePoints[0]?.passwordHash;
  if (!key || !passwordHash) throw new Error(`no key in levity-admin's output:\n${admin.output}`);
  const fleet = Array.from({ length: FLEET }, (_, i) => ({
    identity: `STORM-${i + 1}`,
    securityProfile: 1,
    passwordHash,
  }));
  await writeFile(file, JSON.stringify({ chargePoints: fleet }));
  return key;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "levity-chaos-storm-"));
  const registry = join(dir, "charge-points.json");
  key = await registerFleet(registry);
  cluster = await ChaosCluster.start();
  gateway = await cluster.gateway("gw-1", { PING_INTERVAL: "60", CHARGE_POINTS: registry });
  projector = await cluster.projector();
  cutter = await TcpCutter.start(gateway.ocppPort);
});
afterAll(async () => {
  await cutter?.close();
  await cluster?.dispose();
  await rm(dir, { recursive: true, force: true });
});

const sum = (metrics: ParsedMetrics, name: string) =>
  metrics.samples.filter((s) => s.name === name).reduce((total, s) => total + s.value, 0);
const scrape = () => scrapeMetrics(`${projector.opsUrl}/metrics`);
const every = (metrics: ParsedMetrics, name: string, value: number) =>
  metrics.samples.filter((s) => s.name === name && s.value !== value).map((s) => s.labels.cp_id);

describe("a reconnect storm", () => {
  it("brings 5,000 dropped registered charge points back, counts each drop once, and the projector catches up", async () => {
    const sim = new SimRun([
      ...["--url", `ws://127.0.0.1:${cutter.port}/ocpp`, "--prefix", "STORM-", "--password", key],
      ...["--count", String(FLEET), "--workers", "2", "--ramp", "10", "--seed", "11"],
      ...["--idle-mean", "100000", "--fault-rate", "0", "--reboot-rate", "0", "--drop-rate", "0"],
    ]);
    // Booted, not only connected: a boot cut before its answer would be sent again afterwards.
    await eventually(
      async () => {
        const metrics = await scrape();
        expect(sum(metrics, "ocpp_cp_connected")).toBe(FLEET);
        expect(sum(metrics, "ocpp_cp_boots_total")).toBe(FLEET);
      },
      { timeoutMs: 90_000, intervalMs: 1_000 },
    );

    // All 5,000 first logins come from one address (the relay), so beyond the ten checked at once
    // and the 128 waiting their turn they were told "not now" (503, 429) and came back: refusals
    // of that kind only, none for their credentials.
    const admitted = await scrapeMetrics(`${gateway.opsUrl}/metrics`);
    const refusedAtFirst = sum(admitted, "levity_gateway_handshakes_rejected_total");
    const notNow = ["busy", "rate-limited"].reduce(
      (total, reason) =>
        total +
        (sampleValue(admitted, "levity_gateway_handshakes_rejected_total", { reason }) ?? 0),
      0,
    );
    expect(refusedAtFirst).toBe(notNow);

    // Every connection dropped at once; each charge point comes back 1-5 s later, as firmware does.
    expect(cutter.cut()).toBe(FLEET);
    await eventually(
      async () => {
        const metrics = await scrape();
        expect(sum(metrics, "ocpp_cp_connected")).toBe(FLEET);
        expect(every(metrics, "ocpp_cp_disconnects_total", 1)).toEqual([]);
        expect(sampleValue(metrics, "levity_projector_consumer_lag_messages")).toBe(0);
      },
      { timeoutMs: 90_000, intervalMs: 1_000 },
    );
    const metrics = await scrape();
    expect(every(metrics, "ocpp_cp_boots_total", 1)).toEqual([]);
    expect(every(metrics, "ocpp_cp_connected", 1)).toEqual([]);
    const gatewayMetrics = await scrapeMetrics(`${gateway.opsUrl}/metrics`);
    expect(sampleValue(gatewayMetrics, "levity_gateway_connections")).toBe(FLEET);
    // Every charge point passed admission again after the storm, at once: its key was verified.
    expect(sum(gatewayMetrics, "levity_gateway_handshakes_rejected_total")).toBe(refusedAtFirst);

    const { summary } = await sim.finish();
    expect(summary.reconnects).toBe(FLEET);
    expect(summary.misbehaviour.schemaInvalid + summary.misbehaviour.unexpectedCallError).toBe(0);
  });
});
