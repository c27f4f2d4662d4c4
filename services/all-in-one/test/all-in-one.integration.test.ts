import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { OcppClient } from "@levity/simulator";
import {
  eventually,
  freePort,
  LEVITY_PROGRAMS,
  type ParsedMetrics,
  provideNats,
  sampleValue,
  scrapeMetrics,
  spawnProcess,
  strictRpcClient,
  uniqueName,
} from "@levity/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "levity-aio-"));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function start(extraEnv: Record<string, string> = {}) {
  const [port, metricsPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const levity = spawnProcess(process.execPath, [MAIN, "--data-dir", dataDir, "--allow-unknown"], {
    env: {
      ...process.env,
      NATS_URL: "",
      OCPP_PORT: String(port),
      METRICS_PORT: String(metricsPort),
      API_PORT: String(apiPort),
      ...extraEnv,
    },
  });
  await levity.waitForOutput(/Levity is running/);
  const ops = `http://127.0.0.1:${metricsPort}`;
  await eventually(async () => expect((await fetch(`${ops}/readyz`)).status).toBe(200));
  return {
    levity,
    url: `ws://127.0.0.1:${port}/ocpp`,
    scrape: () => scrapeMetrics(`${ops}/metrics`),
    ops,
  };
}

const boots = (m: ParsedMetrics, cp: string) =>
  sampleValue(m, "ocpp_cp_boots_total", { cp_id: cp });

describe("all-in-one on the embedded log", () => {
  it("prints where to connect and where metrics are, and serves the same endpoints", async () => {
    const { levity, ops } = await start();
    expect(levity.output).toMatch(/ws:\/\/localhost:\d+\/ocpp\/<identity>/);
    expect(levity.output).toMatch(/http:\/\/localhost:\d+\/metrics/);
    expect((await fetch(`${ops}/healthz`)).status).toBe(200);
    expect((await levity.stop()).code).toBe(0);
  });

  it("projects charge points, keeps every counter across a restart, and repairs a torn last line", async () => {
    let run = await start();
    const cp = await OcppClient.connect(run.url, "CP-AIO");
    await cp.call("BootNotification", { chargePointVendor: "ACME", chargePointModel: "Home-7" });
    const tx = await cp.call("StartTransaction", {
      connectorId: 1,
      idTag: "T",
      meterStart: 0,
      timestamp: new Date().toISOString(),
    });
    await cp.call("StatusNotification", {
      connectorId: 1,
      errorCode: "HighTemperature",
      status: "Charging",
    });
    await cp.close();
    await eventually(async () => {
      const m = await run.scrape();
      expect(boots(m, "CP-AIO")).toBe(1);
      expect(sampleValue(m, "ocpp_cp_disconnects_total", { cp_id: "CP-AIO" })).toBe(1);
    });
    const before = await run.scrape();
    expect(sampleValue(before, "levity_gateway_connections")).toBe(0);
    expect((await run.levity.stop()).code).toBe(0);

    run = await start();
    const after = await run.scrape();
    for (const [name, labels] of [
      ["ocpp_cp_boots_total", { cp_id: "CP-AIO" }],
      ["ocpp_cp_disconnects_total", { cp_id: "CP-AIO" }],
      ["ocpp_cp_errors_total", { cp_id: "CP-AIO", error_type: "HighTemperature" }],
      ["ocpp_tx_active", { cp_id: "CP-AIO", connector_id: "1" }],
      ["ocpp_cp_last_seen_ts", { cp_id: "CP-AIO" }],
    ] as const) {
      expect(sampleValue(after, name, labels), name).toBe(sampleValue(before, name, labels));
    }
    const again = await OcppClient.connect(run.url, "CP-AIO");
    const next = await again.call("StartTransaction", {
      connectorId: 2,
      idTag: "T",
      meterStart: 0,
      timestamp: new Date().toISOString(),
    });
    const id = (frame: typeof tx) =>
      frame.kind === "result" ? (frame.payload as { transactionId: number }).transactionId : 0;
    expect(id(next)).toBeGreaterThan(id(tx));
    await again.call("BootNotification", { chargePointVendor: "ACME", chargePointModel: "Home-7" });
    await again.close();
    await eventually(async () => expect(boots(await run.scrape(), "CP-AIO")).toBe(2));
    expect((await run.levity.stop()).code).toBe(0);

    const journal = join(dataDir, "events.jsonl");
    const text = await readFile(journal, "utf8");
    await writeFile(journal, text.slice(0, -40));
    run = await start();
    expect(run.levity.output).toContain("repaired the event journal");
    const repaired = await run.scrape();
    expect(boots(repaired, "CP-AIO")).toBeGreaterThanOrEqual(1);
    expect(
      sampleValue(repaired, "ocpp_cp_errors_total", {
        cp_id: "CP-AIO",
        error_type: "HighTemperature",
      }),
    ).toBe(1);
    expect((await run.levity.stop()).code).toBe(0);
  });

  it("shows a 2.0.1 charging station in the same series as a 1.6 charge point doing the same things", async () => {
    const run = await start();
    const now = () => new Date().toISOString();
    const v16 = await OcppClient.connect(run.url, "MIX-16");
    const boot16 = { chargePointVendor: "ACME", chargePointModel: "Mix" };
    await v16.call("BootNotification", boot16);
    await v16.call("StartTransaction", {
      connectorId: 1,
      idTag: "T",
      meterStart: 0,
      timestamp: now(),
    });
    await v16.call("MeterValues", {
      connectorId: 1,
      meterValue: [
        {
          timestamp: now(),
          sampledValue: [{ value: "16", measurand: "Current.Import", unit: "A" }],
        },
      ],
    });
    await v16.call("StatusNotification", {
      connectorId: 1,
      errorCode: "GroundFailure",
      status: "Faulted",
    });
    await v16.call("BootNotification", boot16);
    await v16.close();

    const v201 = strictRpcClient(run.url, "MIX-201", ["ocpp2.0.1"]);
    await v201.connect();
    const boot201 = { reason: "PowerUp", chargingStation: { vendorName: "ACME", model: "Mix" } };
    await v201.call("BootNotification", boot201);
    await v201.call("TransactionEvent", {
      eventType: "Started",
      timestamp: now(),
      triggerReason: "Authorized",
      seqNo: 0,
      transactionInfo: { transactionId: "mix-tx-1" },
      evse: { id: 1, connectorId: 1 },
      idToken: { idToken: "T", type: "ISO14443" },
    });
    await v201.call("TransactionEvent", {
      eventType: "Updated",
      timestamp: now(),
      triggerReason: "MeterValuePeriodic",
      seqNo: 1,
      transactionInfo: { transactionId: "mix-tx-1" },
      meterValue: [
        {
          timestamp: now(),
          sampledValue: [{ value: 16, measurand: "Current.Import", unitOfMeasure: { unit: "A" } }],
        },
      ],
    });
    await v201.call("NotifyEvent", {
      generatedAt: now(),
      seqNo: 0,
      eventData: [
        {
          eventId: 1,
          timestamp: now(),
          trigger: "Delta",
          actualValue: "true",
          techCode: "GroundFailure",
          eventNotificationType: "HardWiredNotification",
          component: { name: "Connector", evse: { id: 1, connectorId: 1 } },
          variable: { name: "Problem" },
        },
      ],
    });
    await v201.call("StatusNotification", {
      timestamp: now(),
      connectorStatus: "Faulted",
      evseId: 1,
      connectorId: 1,
    });
    await v201.call("BootNotification", { ...boot201, reason: "Watchdog" });
    await v201.close();

    await eventually(async () => {
      const m = await run.scrape();
      expect(sampleValue(m, "ocpp_cp_disconnects_total", { cp_id: "MIX-201" })).toBe(1);
      expect(sampleValue(m, "ocpp_cp_disconnects_total", { cp_id: "MIX-16" })).toBe(1);
    });
    const m = await run.scrape();
    const series = (cp: string) =>
      m.samples
        // 2.0.1 reports the fault twice (its status, and its cause): counted under each code.
        .filter(
          (sample) =>
            sample.labels.cp_id === cp &&
            !sample.name.endsWith("_ts") &&
            sample.name !== "ocpp_cp_errors_total",
        )
        .map(({ name, labels, value }) => {
          const { cp_id: _cp, protocol: _protocol, ...rest } = labels;
          return `${name}${JSON.stringify(rest)} ${value}`;
        })
        .sort();
    expect(series("MIX-201")).toEqual(series("MIX-16"));
    expect(sampleValue(m, "ocpp_cp_boots_during_tx_total", { cp_id: "MIX-201" })).toBe(1);
    expect(sampleValue(m, "ocpp_cp_current_a", { cp_id: "MIX-201", connector_id: "1" })).toBe(16);
    for (const cp of ["MIX-16", "MIX-201"])
      expect(
        sampleValue(m, "ocpp_cp_errors_total", { cp_id: cp, error_type: "GroundFailure" }),
      ).toBe(1);
    expect(
      m.samples.find(
        (sample) => sample.name === "ocpp_cp_info" && sample.labels.cp_id === "MIX-201",
      )?.labels.protocol,
    ).toBe("ocpp2.0.1");
    expect((await run.levity.stop()).code).toBe(0);
  });

  it("refuses to start on a journal damaged in the middle, with a one-line reason", async () => {
    const damaged = await mkdtemp(join(tmpdir(), "levity-aio-bad-"));
    await writeFile(join(damaged, "events.jsonl"), "garbage\n");
    await appendFile(join(damaged, "events.jsonl"), '{"m":"x","p":"gw","d":""}\n');
    const levity = spawnProcess(
      process.execPath,
      [MAIN, "--data-dir", damaged, "--allow-unknown"],
      {
        env: {
          ...process.env,
          NATS_URL: "",
          OCPP_PORT: String(await freePort()),
          METRICS_PORT: String(await freePort()),
        },
      },
    );
    expect((await levity.exited).code).toBe(1);
    expect(levity.output).toContain("line 1 is unreadable");
    await rm(damaged, { recursive: true, force: true });
  });
});

describe("all-in-one with --nats", () => {
  it("uses JetStream instead of the embedded log", async () => {
    const nats = await provideNats();
    const prefix = uniqueName("aio");
    const run = await start({
      NATS_URL: nats.url,
      EVENT_STREAM: prefix.toUpperCase(),
      SUBJECT_PREFIX: prefix,
    });
    expect(run.levity.output).toContain(nats.url);
    const cp = await OcppClient.connect(run.url, "CP-NATS");
    await cp.call("BootNotification", { chargePointVendor: "ACME", chargePointModel: "Home-7" });
    await eventually(async () => expect(boots(await run.scrape(), "CP-NATS")).toBe(1));
    // It writes the history index as the split projector does: levity-admin events uses it.
    await eventually(async () => {
      const events = spawnProcess(process.execPath, [
        LEVITY_PROGRAMS.admin,
        "events",
        ...["--cp", "CP-NATS", "--since", "1h", "--json", "--stats"],
        ...["--nats", nats.url, "--stream", prefix.toUpperCase(), "--subject-prefix", prefix],
      ]);
      expect((await events.exited).code, events.output).toBe(0);
      expect(events.output).toMatch(/"type":"cp\.boot"/);
      expect(events.output).toMatch(/stats: .*"method":"index"/);
    });
    await cp.close();
    expect((await run.levity.stop()).code).toBe(0);
    await nats.dispose();
  });
});
