import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { OCPP16_COMMAND_ACTIONS } from "@levity/ocpp";
import { SAMPLE_COMMANDS } from "@levity/simulator";
import {
  eventually,
  freePort,
  LEVITY_PROGRAMS,
  type SpawnedProcess,
  spawnProcess,
} from "@levity/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const README = fileURLToPath(new URL("../../../README.md", import.meta.url));

let dir: string;
let levity: SpawnedProcess;
let sim: SpawnedProcess;
let apiPort: number;

/** One block of the README's examples, as written. */
async function readmeExamples(name: string): Promise<string> {
  const text = await readFile(README, "utf8");
  const block = new RegExp(`<!-- ${name} -->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\``).exec(text)?.[1];
  if (!block) throw new Error(`README.md has no ${name} block`);
  return block;
}

beforeAll(async () => {
  // As `pnpm start` runs it: a data directory called data, examples run beside it.
  dir = await mkdtemp(join(tmpdir(), "levity-readme-"));
  await mkdir(join(dir, "data"));
  const [port, metricsPort] = [await freePort(), await freePort()];
  apiPort = await freePort();
  levity = spawnProcess(
    process.execPath,
    [MAIN, "--data-dir", join(dir, "data"), "--allow-unknown"],
    {
      env: {
        ...process.env,
        NATS_URL: "",
        OCPP_PORT: String(port),
        METRICS_PORT: String(metricsPort),
        API_PORT: String(apiPort),
      },
    },
  );
  await levity.waitForOutput(/Levity is running/);
  sim = spawnProcess(process.execPath, [
    LEVITY_PROGRAMS.sim,
    ...["--url", `ws://127.0.0.1:${port}/ocpp`, "--count", "2", "--ramp", "0.5"],
    ...["--idle-mean", "100000", "--fault-rate", "0", "--reboot-rate", "0", "--drop-rate", "0"],
  ]);
  await eventually(
    async () => {
      const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(metrics).toMatch(/ocpp_cp_connected\{cp_id="SIM-2"\} 1/);
    },
    { timeoutMs: 30_000 },
  );
});
afterAll(async () => {
  await sim?.stop("SIGKILL");
  await levity?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("the README's command examples, against pnpm start", () => {
  it("work as written: the charger's answers, an async command, a command read back, the CLI", async () => {
    expect(levity.output).toContain("data/operator-token");
    // Only the port differs from `pnpm start`'s; `pnpm admin` is the built levity-admin.
    const script = (await readmeExamples("readme-commands")).replaceAll(
      "localhost:9080",
      `localhost:${apiPort}`,
    );
    await mkdir(join(dir, "bin"), { recursive: true });
    const shim = spawnProcess(
      "bash",
      [
        "-c",
        `printf '#!/bin/sh\\nshift\\nexec "%s" "%s" "$@"\\n' "${process.execPath}" "${LEVITY_PROGRAMS.admin}" > bin/pnpm && chmod +x bin/pnpm`,
      ],
      { cwd: dir },
    );
    await shim.exited;
    const run = spawnProcess("bash", ["-e", "-o", "pipefail", "-c", script], {
      cwd: dir,
      env: {
        ...process.env,
        LEVITY_API: `http://localhost:${apiPort}`,
        PATH: `${join(dir, "bin")}:${process.env.PATH ?? ""}`,
      },
    });
    const status = await run.exited;
    expect(status.code, run.output).toBe(0);
    const output = run.output;
    expect(output).toContain('"configurationKey":[{"key":"HeartbeatInterval"');
    expect(output).toMatch(/"action":"RemoteStartTransaction".*"response":\{"status":"Accepted"\}/);
    expect(output).toMatch(/"status":"pending","location":"\/v1\/commands\//);
    expect(output).toMatch(/"action":"ClearCache".*"status":"completed"/);
    expect(output).toMatch(/"action": "Reset"[\s\S]*"status": "completed"/);
  });
});

describe("the README's charge-point examples, against pnpm start", () => {
  it("work as written: a page of the fleet, one charge point, its transactions, a filter", async () => {
    const script = (await readmeExamples("readme-charge-points")).replaceAll(
      "localhost:9080",
      `localhost:${apiPort}`,
    );
    const run = spawnProcess("bash", ["-e", "-o", "pipefail", "-c", script], { cwd: dir });
    const status = await run.exited;
    expect(status.code, run.output).toBe(0);
    const answers = run.output
      .trim()
      .split(/(?<=\})(?=\{)/)
      .map((text) => JSON.parse(text) as Record<string, unknown>);
    expect(answers).toHaveLength(4);
    const [page, detail, transactions, faulted] = answers;
    expect(page).toMatchObject({ total: 2, next: "SIM-1", items: [{ id: "SIM-1" }] });
    expect(page?.items).toHaveLength(1);
    expect(detail).toMatchObject({ id: "SIM-1", connected: true, protocol: "ocpp1.6" });
    expect(detail?.connectors).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: 1, status: expect.any(String) })]),
    );
    expect(transactions).toMatchObject({ cpId: "SIM-1", items: expect.any(Array) });
    expect(faulted).toMatchObject({ items: expect.any(Array), next: null });
  });
});

describe("every command, against pnpm start and the simulator", () => {
  it("sends each of the 26 actions of 1.6 and gets the simulated charger's answer", async () => {
    const token = (await readFile(join(dir, "data", "operator-token"), "utf8")).trim();
    // Reset last: the charger reboots.
    const actions: string[] = [...OCPP16_COMMAND_ACTIONS.filter((a) => a !== "Reset"), "Reset"];
    const statuses: Record<string, number> = {};
    for (const action of actions) {
      const response = await fetch(
        `http://localhost:${apiPort}/v1/charge-points/SIM-1/commands/${action}`,
        {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify(SAMPLE_COMMANDS[action] ?? {}),
        },
      );
      statuses[action] = response.status;
    }
    expect(Object.entries(statuses).filter(([, status]) => status !== 200)).toEqual([]);
    expect(Object.keys(statuses)).toHaveLength(26);
  });
});
