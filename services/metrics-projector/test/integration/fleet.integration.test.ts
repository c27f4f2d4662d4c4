import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ApiTokens, newApiToken, serializeApiTokens } from "@levity/api-kit";
import { OcppClient } from "@levity/simulator";
import {
  eventually,
  fleetSeries,
  freePort,
  type ParsedMetrics,
  type ProvidedNats,
  provideNats,
  type SpawnedProcess,
  sampleValue,
  scrapeMetrics,
  spawnProcess,
  uniqueName,
} from "@levity/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const GATEWAY = fileURLToPath(new URL("../../../ocpp-gateway/dist/main.js", import.meta.url));
const PROJECTOR = fileURLToPath(new URL("../../dist/main.js", import.meta.url));

let nats: ProvidedNats;
let dir: string;
let apiPort: number;
const processes: SpawnedProcess[] = [];
const { token, record } = newApiToken("reader", new Date());
const prefix = uniqueName("fleet");
const env = () => ({
  ...process.env,
  NATS_URL: nats.url,
  EVENT_STREAM: prefix.toUpperCase(),
  SUBJECT_PREFIX: prefix,
  LOG_LEVEL: "info",
});

async function startGateway(id: string) {
  const port = await freePort();
  const gateway = spawnProcess(
    process.execPath,
    [GATEWAY, "--gateway-id", id, "--alive-interval", "1", "--allow-unknown"],
    {
      env: { ...env(), OCPP_PORT: String(port), METRICS_PORT: String(await freePort()) },
    },
  );
  processes.push(gateway);
  await gateway.waitForOutput(/gateway ready/);
  return { process: gateway, url: `ws://127.0.0.1:${port}/ocpp` };
}

async function startProjector(metricsPort: number) {
  const projector = spawnProcess(process.execPath, [PROJECTOR, "--gateway-timeout", "3"], {
    env: {
      ...env(),
      METRICS_PORT: String(metricsPort),
      API_PORT: String(apiPort),
      API_TOKENS: join(dir, "api-tokens.yaml"),
    },
  });
  processes.push(projector);
  await projector.waitForOutput(/projector started/);
  await eventually(async () =>
    expect((await fetch(`http://127.0.0.1:${metricsPort}/readyz`)).status).toBe(200),
  );
  return projector;
}

beforeAll(async () => {
  nats = await provideNats();
  dir = await mkdtemp(join(tmpdir(), "levity-fleet-"));
  apiPort = await freePort();
  await writeFile(join(dir, "api-tokens.yaml"), serializeApiTokens(new ApiTokens([record])));
});
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop("SIGKILL")));
  await nats?.dispose();
  await rm(dir, { recursive: true, force: true });
});

/** The projector's charge-point API: one charge point as it answers it. */
async function chargePoint(id: string): Promise<Record<string, unknown>> {
  const response = await fetch(`http://127.0.0.1:${apiPort}/v1/charge-points/${id}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe("gateways, NATS and the projector together", () => {
  it("projects what charge points do, survives a projector restart, and notices a dead gateway", async () => {
    const [a, b] = await Promise.all([startGateway("gw-a"), startGateway("gw-b")]);
    const metricsPort = await freePort();
    let projector = await startProjector(metricsPort);
    const scrape = () => scrapeMetrics(`http://127.0.0.1:${metricsPort}/metrics`);
    const at = () => new Date().toISOString();

    const cp1 = await OcppClient.connect(a.url, "CP-1");
    await cp1.call("BootNotification", {
      chargePointVendor: "ACME",
      chargePointModel: "Fast-50",
      firmwareVersion: "4.2",
    });
    await cp1.call("StatusNotification", {
      connectorId: 1,
      errorCode: "NoError",
      status: "Preparing",
    });
    const started = await cp1.call("StartTransaction", {
      connectorId: 1,
      idTag: "TAG",
      meterStart: 0,
      timestamp: at(),
    });
    expect(started.kind).toBe("result");
    const transactionId =
      started.kind === "result" ? (started.payload as { transactionId: number }).transactionId : 0;
    const meter = await cp1.call("MeterValues", {
      connectorId: 1,
      transactionId,
      meterValue: [
        {
          timestamp: at(),
          sampledValue: ["L1", "L2", "L3"].map((phase, i) => ({
            value: String(16 + i * 0.5),
            measurand: "Current.Import",
            unit: "A",
            phase,
          })),
        },
      ],
    });
    expect(meter.kind).toBe("result");
    await cp1.call("Heartbeat", {});

    const cp2 = await OcppClient.connect(b.url, "CP-2");
    await cp2.call("BootNotification", { chargePointVendor: "ACME", chargePointModel: "Slow-11" });
    await cp2.call("StatusNotification", {
      connectorId: 1,
      errorCode: "GroundFailure",
      status: "Faulted",
    });

    const cp3 = await OcppClient.connect(a.url, "CP-3");
    await cp3.call("BootNotification", { chargePointVendor: "ACME", chargePointModel: "Fast-50" });
    await cp3.close();

    let before: ParsedMetrics = await scrape();
    await eventually(async () => {
      before = await scrape();
      expect(sampleValue(before, "ocpp_cp_disconnects_total", { cp_id: "CP-3" })).toBe(1);
      expect(sampleValue(before, "ocpp_cp_current_a", { cp_id: "CP-1", connector_id: "1" })).toBe(
        17,
      );
    });
    expect(sampleValue(before, "ocpp_central_up")).toBe(1);
    expect(sampleValue(before, "ocpp_gateway_up", { gateway_id: "gw-a" })).toBe(1);
    expect(sampleValue(before, "ocpp_gateway_up", { gateway_id: "gw-b" })).toBe(1);
    expect(sampleValue(before, "ocpp_cp_connected", { cp_id: "CP-1" })).toBe(1);
    expect(sampleValue(before, "ocpp_cp_connected", { cp_id: "CP-3" })).toBe(0);
    expect(sampleValue(before, "ocpp_tx_active", { cp_id: "CP-1", connector_id: "1" })).toBe(1);
    expect(sampleValue(before, "ocpp_cp_boots_total", { cp_id: "CP-1" })).toBe(1);
    expect(
      sampleValue(before, "ocpp_cp_errors_total", { cp_id: "CP-2", error_type: "GroundFailure" }),
    ).toBe(1);
    expect(
      sampleValue(before, "ocpp_cp_info", {
        cp_id: "CP-1",
        vendor: "ACME",
        model: "Fast-50",
        firmware: "4.2",
      }),
    ).toBe(1);
    expect(sampleValue(before, "ocpp_cp_last_heartbeat_ts", { cp_id: "CP-1" })).toBeGreaterThan(
      1_700_000_000,
    );
    expect(sampleValue(before, "ocpp_cp_boots_total", { cp_id: "CP-2" })).toBe(1);
    expect(sampleValue(before, "process_resident_memory_bytes")).toBeGreaterThan(0);
    // The projector's API says where each charge point is, from the same state.
    expect(await chargePoint("CP-1")).toMatchObject({
      connected: true,
      gateway: "gw-a",
      vendor: "ACME",
      connectors: [
        { id: 1, status: "Preparing", transaction: { transactionId: String(transactionId) } },
      ],
    });
    expect(await chargePoint("CP-2")).toMatchObject({
      gateway: "gw-b",
      connectors: [{ id: 1, status: "Faulted" }],
    });

    expect((await projector.stop("SIGTERM")).code).toBe(0);
    projector = await startProjector(metricsPort);
    expect(projector.output).toContain("restored snapshot");
    const after = await scrape();
    expect(fleetSeries(after)).toEqual(fleetSeries(before));

    await a.process.stop("SIGKILL");
    await eventually(
      async () => {
        const lost = await scrape();
        expect(sampleValue(lost, "ocpp_gateway_up", { gateway_id: "gw-a" })).toBe(0);
        expect(sampleValue(lost, "ocpp_cp_connected", { cp_id: "CP-1" })).toBe(0);
        expect(sampleValue(lost, "ocpp_cp_disconnects_total", { cp_id: "CP-1" })).toBe(1);
        expect(sampleValue(lost, "ocpp_cp_connected", { cp_id: "CP-2" })).toBe(1);
        expect(sampleValue(lost, "ocpp_central_up")).toBe(1);
        expect(await chargePoint("CP-1")).toMatchObject({ connected: false, gateway: null });
      },
      { timeoutMs: 20_000 },
    );
    expect(projector.output).toContain("gateway declared lost");
    await cp2.close();
  });
});
