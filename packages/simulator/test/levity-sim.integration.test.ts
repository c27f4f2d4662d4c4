import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { callErrorFrame, callResultFrame, parseFrame } from "@levity/ocpp";
import {
  eventually,
  freePort,
  type SpawnedProcess,
  sampleValue,
  scrapeMetrics,
  spawnProcess,
} from "@levity/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";

const SIM = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const LEVITY = fileURLToPath(new URL("../../../services/all-in-one/dist/main.js", import.meta.url));

let dataDir: string;
let levity: SpawnedProcess;
let url: string;
let metrics: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "levity-sim-"));
  const [port, metricsPort] = [await freePort(), await freePort()];
  levity = spawnProcess(
    process.execPath,
    [LEVITY, "--data-dir", dataDir, "--heartbeat-interval", "1", "--allow-unknown"],
    {
      env: {
        ...process.env,
        NATS_URL: "",
        OCPP_PORT: String(port),
        METRICS_PORT: String(metricsPort),
      },
    },
  );
  await levity.waitForOutput(/Levity is running/);
  url = `ws://127.0.0.1:${port}/ocpp`;
  metrics = `http://127.0.0.1:${metricsPort}/metrics`;
});
afterAll(async () => {
  await levity?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** The JSON summary levity-sim prints last. */
const summaryOf = (run: SpawnedProcess) => JSON.parse(run.output.slice(run.output.indexOf("{")));

async function sim(args: string[]) {
  const run = spawnProcess(process.execPath, [SIM, ...args]);
  const status = await run.exited;
  return { status, output: run.output, summary: status.code === 2 ? undefined : summaryOf(run) };
}

const busy = [
  "--idle-mean",
  "0.3",
  "--charge-mean",
  "1",
  "--meter-interval",
  "0.2",
  "--ramp",
  "0.5",
];
const incidents = ["--fault-rate", "1800", "--reboot-rate", "900", "--drop-rate", "900"];

const bootOrEmpty = (action: string) =>
  action === "BootNotification"
    ? { status: "Accepted", currentTime: new Date().toISOString(), interval: 300 }
    : {};

describe("levity-sim", () => {
  it("runs a realistic fleet that charges, faults, reboots and reconnects, and exits 0 on a correct server", async () => {
    const { status, summary } = await sim([
      "--url",
      url,
      "--prefix",
      "FLEET-",
      "--count",
      "20",
      "--duration",
      "5",
      "--seed",
      "7",
      ...busy,
      ...incidents,
    ]);
    expect(status.code).toBe(0);
    expect(summary).toMatchObject({ mode: "fleet", chargePoints: 20, misbehaved: false, seed: 7 });
    expect(summary.connects).toBeGreaterThanOrEqual(20);
    for (const action of [
      "BootNotification",
      "StatusNotification",
      "Heartbeat",
      "Authorize",
      "StartTransaction",
      "MeterValues",
      "StopTransaction",
    ]) {
      expect(summary.callsByAction[action], action).toBeGreaterThan(0);
    }
    expect(summary.latencyMs.p99).toBeGreaterThan(0);
    await eventually(async () => {
      const scraped = await scrapeMetrics(metrics);
      const fleet = scraped.samples.filter(
        (s) => s.name === "ocpp_cp_boots_total" && s.labels.cp_id?.startsWith("FLEET-"),
      );
      expect(fleet).toHaveLength(20);
      const errors = scraped.samples.filter(
        (s) => s.name === "ocpp_cp_errors_total" && s.labels.cp_id?.startsWith("FLEET-"),
      );
      expect(errors.length).toBeGreaterThan(0);
    });
  });

  it("runs a mixed fleet, half 2.0.1 and half 1.6, that Levity serves and projects alike", async () => {
    const { status, summary } = await sim([
      "--url",
      url,
      "--prefix",
      "MIXED-",
      "--count",
      "20",
      "--duration",
      "6",
      "--seed",
      "11",
      "--protocol-mix",
      "0.5",
      ...busy,
      ...incidents,
    ]);
    expect(status.code).toBe(0);
    expect(summary).toMatchObject({ chargePoints: 20, misbehaved: false });
    expect(summary.callsByAction.TransactionEvent).toBeGreaterThan(0);
    expect(summary.callsByAction.StartTransaction).toBeGreaterThan(0);
    await eventually(async () => {
      const scraped = await scrapeMetrics(metrics);
      const ofFleet = (name: string) =>
        scraped.samples.filter((s) => s.name === name && s.labels.cp_id?.startsWith("MIXED-"));
      const protocols = ofFleet("ocpp_cp_info").map((s) => s.labels.protocol);
      expect(protocols.filter((p) => p === "ocpp2.0.1")).toHaveLength(10);
      expect(protocols.filter((p) => p === "ocpp1.6")).toHaveLength(10);
      const byProtocol = (name: string, protocol: string) => {
        const cps = new Set(
          ofFleet("ocpp_cp_info")
            .filter((s) => s.labels.protocol === protocol)
            .map((s) => s.labels.cp_id),
        );
        return ofFleet(name).filter((s) => cps.has(s.labels.cp_id) && s.value > 0).length;
      };
      for (const protocol of ["ocpp1.6", "ocpp2.0.1"]) {
        for (const name of [
          "ocpp_cp_boots_total",
          "ocpp_cp_errors_total",
          "ocpp_cp_disconnects_total",
        ])
          expect(byProtocol(name, protocol), `${name} of ${protocol}`).toBeGreaterThan(0);
      }
    });
  });

  it("spreads a fleet over worker threads", async () => {
    const { status, summary } = await sim([
      "--url",
      url,
      "--prefix",
      "WORK-",
      "--count",
      "10",
      "--workers",
      "2",
      "--duration",
      "3",
      ...busy,
    ]);
    expect(status.code).toBe(0);
    expect(summary.connects).toBe(10);
    expect(summary.callsByAction.BootNotification).toBe(10);
  });

  it("plays 2.0.1's hard transaction cases: an Ended sent offline ends its transaction once, a reboot mid-charge counts", async () => {
    const scenario = fileURLToPath(
      new URL("../scenarios/offline-transaction.yaml", import.meta.url),
    );
    const orphaned = async () =>
      sampleValue(await scrapeMetrics(metrics), "levity_projector_transactions_orphaned_total");
    const orphanedBefore = await orphaned();
    const { status, summary } = await sim([
      "--url",
      url,
      "--scenario",
      scenario,
      "--protocol",
      "ocpp2.0.1",
    ]);
    expect(status.code).toBe(0);
    expect(summary.callsByProtocol).toEqual({ "ocpp2.0.1": summary.calls });
    await eventually(async () => {
      const scraped = await scrapeMetrics(metrics);
      const value = (name: string, cp: string, connector?: string) =>
        sampleValue(
          scraped,
          name,
          connector ? { cp_id: cp, connector_id: connector } : { cp_id: cp },
        );
      expect(value("ocpp_tx_active", "OFFLINE-END", "1")).toBe(0);
      expect(value("ocpp_cp_reconnect_during_tx_total", "OFFLINE-END")).toBe(1);
      expect(value("ocpp_tx_active", "REBOOT-201", "1")).toBe(1);
      expect(value("ocpp_cp_boots_during_tx_total", "REBOOT-201")).toBe(1);
    });
    expect(await orphaned()).toBe(orphanedBefore);
  });

  it("plays a scenario file and logs every acknowledged call", async () => {
    const scenario = join(dataDir, "reboot-mid-charge.yaml");
    const ackLog = join(dataDir, "acks.jsonl");
    await writeFile(
      scenario,
      [
        "chargePoints:",
        "  - id: SCN-1",
        "    steps:",
        "      - connect",
        "      - boot",
        "      - status: { connector: 1, status: Preparing }",
        "      - start: { connector: 1, idTag: TAG, currentA: 20 }",
        "      - meter: { connector: 1, count: 2, every: 100ms }",
        "      - reboot",
        "      - status: { connector: 1, status: Available }",
        "      - call: { action: Teleport, payload: {}, expectError: true }",
        "      - disconnect",
      ].join("\n"),
    );
    const { status, summary } = await sim([
      "--url",
      url,
      "--scenario",
      scenario,
      "--ack-log",
      ackLog,
    ]);
    expect(status.code).toBe(0);
    expect(summary).toMatchObject({
      mode: "scenario",
      chargePoints: 1,
      callErrors: { NotImplemented: 1 },
    });
    const acks = (await readFile(ackLog, "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(acks.map((a) => a.action)).toEqual([
      "BootNotification",
      "StatusNotification",
      "StartTransaction",
      "MeterValues",
      "MeterValues",
      "BootNotification",
      "StatusNotification",
    ]);
    await eventually(async () => {
      const scraped = await scrapeMetrics(metrics);
      expect(sampleValue(scraped, "ocpp_cp_boots_during_tx_total", { cp_id: "SCN-1" })).toBe(1);
      expect(sampleValue(scraped, "ocpp_tx_active", { cp_id: "SCN-1", connector_id: "1" })).toBe(0);
      expect(sampleValue(scraped, "ocpp_cp_disconnects_total", { cp_id: "SCN-1" })).toBe(2);
    });
  });

  it("exits 1 and says why when the server misbehaves", async () => {
    const port = await freePort();
    const server = new WebSocketServer({ port, handleProtocols: () => "ocpp1.6" });
    server.on("connection", (socket) => {
      socket.on("message", (data) => {
        const parsed = parseFrame(data.toString());
        if (!parsed.ok || parsed.frame.kind !== "call") return;
        const { messageId, action } = parsed.frame;
        if (action === "BootNotification")
          socket.send(callResultFrame(messageId, { status: "Maybe" }));
        if (action === "Heartbeat") socket.send(callErrorFrame(messageId, "InternalError", "oops"));
      });
    });
    const scenario = join(dataDir, "misbehaving.yaml");
    await writeFile(
      scenario,
      "chargePoints:\n  - id: X\n    steps: [connect, boot, heartbeat, { status: { connector: 0, status: Available } }]\n",
    );
    const { status, summary } = await sim([
      "--url",
      `ws://127.0.0.1:${port}`,
      "--scenario",
      scenario,
      "--call-timeout",
      "300",
    ]);
    server.close();
    expect(status.code).toBe(1);
    expect(summary.misbehaviour).toEqual({ schemaInvalid: 1, unexpectedCallError: 1, timeouts: 1 });
  });

  it("does not count expected errors as misbehaviour", async () => {
    const port = await freePort();
    const server = new WebSocketServer({ port, handleProtocols: () => "ocpp1.6" });
    server.on("connection", (socket) => {
      socket.on("message", (data) => {
        const parsed = parseFrame(data.toString());
        if (parsed.ok && parsed.frame.kind === "call")
          socket.send(callErrorFrame(parsed.frame.messageId, "InternalError", "down"));
      });
    });
    const scenario = join(dataDir, "outage.yaml");
    await writeFile(scenario, "chargePoints:\n  - id: Y\n    steps: [connect, heartbeat]\n");
    const { status, summary } = await sim([
      "--url",
      `ws://127.0.0.1:${port}`,
      "--scenario",
      scenario,
      "--expect-errors",
      "InternalError",
    ]);
    server.close();
    expect(status.code).toBe(0);
    expect(summary.callErrors).toEqual({ InternalError: 1 });
  });

  it("stops on SIGTERM that comes while its charge points are booting", async () => {
    const port = await freePort();
    const server = new WebSocketServer({ port, handleProtocols: () => "ocpp1.6" });
    const boots: (() => void)[] = [];
    server.on("connection", (socket) => {
      socket.on("message", (data) => {
        const parsed = parseFrame(data.toString());
        if (!parsed.ok || parsed.frame.kind !== "call") return;
        const { messageId, action } = parsed.frame;
        const answer = () => socket.send(callResultFrame(messageId, bootOrEmpty(action)));
        // Boots are held until the fleet has been told to stop; everything else is answered.
        if (action === "BootNotification") boots.push(answer);
        else answer();
      });
    });
    const run = spawnProcess(process.execPath, [
      ...[SIM, "--url", `ws://127.0.0.1:${port}`, "--prefix", "HOLD-", "--count", "3"],
      ...["--ramp", "0", "--idle-mean", "100000"],
    ]);
    await eventually(() => expect(boots).toHaveLength(3));
    run.child.kill("SIGTERM");
    for (const answer of boots) answer();
    const status = await run.exited;
    server.close();
    expect(status.code).toBe(0);
    expect(summaryOf(run)).toMatchObject({
      connects: 3,
      callsByAction: { BootNotification: 3 },
    });
  });

  it("exits 2 with a one-line reason on a bad option or scenario", async () => {
    const bad = await sim(["--count", "zero"]);
    expect(bad.status.code).toBe(2);
    expect(bad.output.trim()).toBe('error: --count: expected an integer, got "zero"');
    const missing = await sim(["--scenario", join(dataDir, "nope.yaml")]);
    expect(missing.status.code).toBe(2);
    expect(missing.output).toContain("cannot read");
  });
});
