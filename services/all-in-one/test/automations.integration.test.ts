import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  eventually,
  freePort,
  LEVITY_PROGRAMS,
  type SpawnedProcess,
  sampleValue,
  scrapeMetrics,
  spawnProcess,
} from "@levity/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Issue 14's demo, as docs/automations.md writes it: `pnpm start --automations
// examples/automations.yaml` and the simulator's automations scenario. The process is killed
// right after its first decision and started again; the simulator's charge points reconnect, and
// its log of the commands they received shows each decision acted on exactly once.

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const repo = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

let dir: string;
const processes: SpawnedProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "levity-aio-automations-"));
});
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop("SIGKILL")));
  await rm(dir, { recursive: true, force: true });
});

interface Ports {
  readonly ocpp: number;
  readonly metrics: number;
  readonly api: number;
}

async function startLevity(ports: Ports): Promise<SpawnedProcess> {
  const levity = spawnProcess(
    process.execPath,
    [
      MAIN,
      ...["--data-dir", join(dir, "data"), "--allow-unknown"],
      ...["--automations", repo("examples/automations.yaml")],
    ],
    {
      env: {
        ...process.env,
        NATS_URL: "",
        OCPP_PORT: String(ports.ocpp),
        METRICS_PORT: String(ports.metrics),
        API_PORT: String(ports.api),
      },
    },
  );
  processes.push(levity);
  await levity.waitForOutput(/Levity is running/);
  return levity;
}

/** The commands the simulator's charge points received, as `<cp> <action>` lines in order. */
async function received(): Promise<string[]> {
  const text = await readFile(join(dir, "commands.jsonl"), "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const { cpId, action } = JSON.parse(line) as { cpId: string; action: string };
      return `${cpId} ${action}`;
    });
}

const admin = (...args: string[]) =>
  spawnProcess(process.execPath, [LEVITY_PROGRAMS.admin, ...args]);

describe("automations on pnpm start", () => {
  it("start a free-vend charger, reset a faulted one once, quarantine a reboot loop, through a crash", async () => {
    const ports: Ports = {
      ocpp: await freePort(),
      metrics: await freePort(),
      api: await freePort(),
    };
    let levity = await startLevity(ports);
    const sim = spawnProcess(process.execPath, [
      LEVITY_PROGRAMS.sim,
      ...["--url", `ws://127.0.0.1:${ports.ocpp}/ocpp`],
      ...["--scenario", repo("packages/simulator/scenarios/automations.yaml")],
      ...["--command-log", join(dir, "commands.jsonl")],
    ]);
    processes.push(sim);

    // Killed right after its first decision is stored, maybe before its command went out.
    await levity.waitForOutput(/automation [a-z-]+ decided/, 60_000);
    await levity.stop("SIGKILL");
    levity = await startLevity(ports);

    await eventually(
      async () =>
        expect((await received()).sort()).toEqual([
          "FAULTY-1 Reset",
          "FREEVEND-1 RemoteStartTransaction",
          "LOOPY-1 ChangeAvailability",
        ]),
      { timeoutMs: 60_000 },
    );
    const ops = `http://127.0.0.1:${ports.metrics}/metrics`;
    await eventually(
      async () => {
        const metrics = await scrapeMetrics(ops);
        expect(
          sampleValue(metrics, "ocpp_tx_active", { cp_id: "FREEVEND-1", connector_id: "1" }),
        ).toBe(1);
        expect(
          sampleValue(metrics, "levity_automation_quarantined", {
            cp_id: "LOOPY-1",
            automation: "reboot-loop",
          }),
        ).toBe(1);
      },
      { timeoutMs: 30_000 },
    );

    // An operator clears the quarantine: the charger is set Operative again, once.
    const clear = admin(
      ...["quarantine", "clear", "LOOPY-1"],
      ...[
        "--api",
        `http://localhost:${ports.api}`,
        "--token-file",
        join(dir, "data/operator-token"),
      ],
    );
    expect((await clear.exited).code).toBe(0);
    expect(clear.output).toContain('"clearedBy": "operator"');
    await eventually(
      async () =>
        expect((await received()).filter((line) => line.startsWith("LOOPY-1"))).toEqual([
          "LOOPY-1 ChangeAvailability",
          "LOOPY-1 ChangeAvailability",
        ]),
      { timeoutMs: 30_000 },
    );
    await eventually(async () => {
      const metrics = await scrapeMetrics(ops);
      expect(metrics.samples.filter((s) => s.name === "levity_automation_quarantined")).toEqual([]);
    });
    const again = admin(
      ...["quarantine", "clear", "LOOPY-1"],
      ...[
        "--api",
        `http://localhost:${ports.api}`,
        "--token-file",
        join(dir, "data/operator-token"),
      ],
    );
    expect((await again.exited).code).toBe(1);
    expect(again.output).toContain("404 not-quarantined: LOOPY-1 is not held in quarantine");

    // Every decision acted on once, whatever the crash interrupted; PLAIN-1 received nothing.
    expect((await sim.exited).code).toBe(0);
    expect((await received()).sort()).toEqual([
      "FAULTY-1 Reset",
      "FREEVEND-1 RemoteStartTransaction",
      "LOOPY-1 ChangeAvailability",
      "LOOPY-1 ChangeAvailability",
    ]);
    const metrics = await scrapeMetrics(ops);
    for (const [automation, accepted] of [
      ["free-vend", 1],
      ["reset-faulted", 1],
      ["reboot-loop", 2],
    ] as const)
      expect(
        sampleValue(metrics, "levity_automation_decisions_total", {
          automation,
          outcome: "accepted",
        }),
        automation,
      ).toBe(accepted);
    expect((await levity.stop()).code).toBe(0);
  }, 180_000);
});
