import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  eventually,
  freePort,
  type ProvidedNats,
  provideNats,
  type SpawnedProcess,
  spawnProcess,
  uniqueName,
} from "@levity/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { ALL_PANELS } from "../src/dashboard/panels.js";

const repo = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const GATEWAY = repo("services/ocpp-gateway/dist/main.js");
const PROJECTOR = repo("services/metrics-projector/dist/main.js");
const SIMULATOR = repo("packages/simulator/dist/cli/main.js");
const SCENARIO = repo("packages/simulator/scenarios/reboot-during-charge.yaml");
const RULES = repo("deploy/prometheus/rules/ocpp-alerts.yml");

let nats: ProvidedNats;
let dir: string;
let prometheusUrl: string;
let gatewayUrl: string;
const processes: SpawnedProcess[] = [];

function start(command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawnProcess(command, args, { env: { ...process.env, ...env } });
  processes.push(child);
  return child;
}

interface PromResult {
  readonly metric: Record<string, string>;
}

async function prometheus(path: string): Promise<PromResult[]> {
  const response = await fetch(`${prometheusUrl}${path}`);
  const body = (await response.json()) as {
    status: string;
    error?: string;
    data: { result: PromResult[] };
  };
  if (body.status !== "success") throw new Error(`${path}: ${body.error}`);
  return body.data.result;
}

beforeAll(async () => {
  nats = await provideNats();
  dir = await mkdtemp(join(tmpdir(), "levity-prom-"));
  const prefix = uniqueName("e2e");
  const env = { NATS_URL: nats.url, EVENT_STREAM: prefix.toUpperCase(), SUBJECT_PREFIX: prefix };
  const [ocppPort, gatewayMetrics, projectorMetrics, prometheusPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const gateway = start(
    process.execPath,
    [
      GATEWAY,
      "--gateway-id",
      "gw-e2e",
      "--alive-interval",
      "1",
      "--heartbeat-interval",
      "1",
      "--allow-unknown",
    ],
    {
      ...env,
      OCPP_PORT: String(ocppPort),
      METRICS_PORT: String(gatewayMetrics),
    },
  );
  const projector = start(process.execPath, [PROJECTOR], {
    ...env,
    METRICS_PORT: String(projectorMetrics),
  });
  await Promise.all([
    gateway.waitForOutput(/gateway ready/),
    projector.waitForOutput(/projector started/),
  ]);
  gatewayUrl = `ws://127.0.0.1:${ocppPort}/ocpp`;

  // The generated rules, evaluated every second instead of every minute so the test is quick.
  const rules = parse(await readFile(RULES, "utf8")) as { groups: { interval: string }[] };
  for (const group of rules.groups) group.interval = "1s";
  await writeFile(join(dir, "rules.yml"), stringify(rules));
  await writeFile(
    join(dir, "prometheus.yml"),
    stringify({
      global: { scrape_interval: "1s", evaluation_interval: "1s" },
      rule_files: [join(dir, "rules.yml")],
      scrape_configs: [
        {
          job_name: "levity-projector",
          static_configs: [{ targets: [`127.0.0.1:${projectorMetrics}`] }],
        },
        {
          job_name: "levity-gateway",
          static_configs: [{ targets: [`127.0.0.1:${gatewayMetrics}`] }],
        },
      ],
    }),
  );
  const server = start("prometheus", [
    `--config.file=${join(dir, "prometheus.yml")}`,
    `--storage.tsdb.path=${join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${prometheusPort}`,
  ]);
  await server.waitForOutput(/Server is ready to receive web requests/);
  prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
}, 60_000);

afterAll(async () => {
  await Promise.all(processes.map((child) => child.stop()));
  await nats?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe("dashboard and alerts against a real Prometheus reading a real projector", () => {
  it("returns data for every panel and fires the alerts the scenario calls for, for 1.6 and 2.0.1 alike", async () => {
    // The same timeline played by 1.6 charge points and, under their names + "-201", by 2.0.1 ones.
    const scenario = parse(await readFile(SCENARIO, "utf8")) as { chargePoints: { id: string }[] };
    for (const cp of scenario.chargePoints) cp.id = `${cp.id}-201`;
    const scenario201 = join(dir, "scenario-201.yaml");
    await writeFile(scenario201, stringify(scenario));
    const sims = [
      start(process.execPath, [SIMULATOR, "--url", gatewayUrl, "--scenario", SCENARIO]),
      start(process.execPath, [
        SIMULATOR,
        "--url",
        gatewayUrl,
        "--scenario",
        scenario201,
        "--protocol",
        "ocpp2.0.1",
      ]),
    ];
    for (const sim of sims) expect((await sim.exited).code).toBe(0);

    await eventually(
      async () => {
        const now = Math.floor(Date.now() / 1000);
        for (const fleet of [".*", "DEMO-[A-Z]+", "DEMO-[A-Z]+-201"]) {
          for (const panel of ALL_PANELS) {
            const expr = encodeURIComponent(
              panel.expr.replaceAll("$cp_id", fleet).replaceAll("$__interval", "5s"),
            );
            const path = panel.instant
              ? `/api/v1/query?query=${expr}`
              : `/api/v1/query_range?query=${expr}&start=${now - 120}&end=${now}&step=1`;
            expect(
              (await prometheus(path)).length,
              `${panel.title} (${fleet}): ${panel.expr}`,
            ).toBeGreaterThan(0);
          }
        }
      },
      { timeoutMs: 45_000, intervalMs: 500 },
    );

    const firing = async () => {
      const response = await fetch(`${prometheusUrl}/api/v1/alerts`);
      const body = (await response.json()) as {
        data: { alerts: { state: string; labels: Record<string, string> }[] };
      };
      return body.data.alerts
        .filter((alert) => alert.state === "firing")
        .map(
          (alert) =>
            `${alert.labels.alertname}/${alert.labels.cp_id ?? ""}/${alert.labels.error_type ?? ""}`,
        );
    };
    await eventually(
      async () => {
        const alerts = await firing();
        for (const suffix of ["", "-201"]) {
          expect(alerts).toEqual(
            expect.arrayContaining([
              `ChargePointRebootDuringTransaction/DEMO-REBOOT${suffix}/`,
              `ChargePointMultipleReboots/DEMO-REBOOT${suffix}/`,
              `ChargePointMultipleDisconnects/DEMO-DROP${suffix}/`,
              `ChargePointErrorDetected/DEMO-DROP${suffix}/GroundFailure`,
            ]),
          );
          expect(alerts).not.toContain(`ChargePointRebootDuringTransaction/DEMO-DROP${suffix}/`);
        }
        expect(alerts.filter((alert) => alert.startsWith("ChargePointStale"))).toEqual([]);
      },
      { timeoutMs: 45_000, intervalMs: 500 },
    );
  }, 120_000);
});
