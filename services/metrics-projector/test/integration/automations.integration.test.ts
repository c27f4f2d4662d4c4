import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ApiTokens, newApiToken, serializeApiTokens } from "@levity/api-kit";
import type { LevityEvent } from "@levity/events";
import { readEvents } from "@levity/events/testing";
import { JetStreamEventLog } from "@levity/nats";
import {
  eventually,
  type GatewayProcess,
  LEVITY_PROGRAMS,
  launchGateway,
  launchProjector,
  type ProvidedNats,
  provideNats,
  type ServiceProcess,
  type SpawnedProcess,
  sampleValue,
  scrapeMetrics,
  spawnProcess,
  uniqueName,
} from "@levity/testkit";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The automations on the split services: two projector replicas run them at once, one is killed
// as soon as it has stored its first decision and restarted with its snapshot gone (a replay
// from zero), and the simulator's log of the commands it received shows each decision acted on
// exactly once.

const AUTOMATIONS = `
automations:
  - { name: free-vend, kind: auto-remote-start, idTag: FREEVEND, delay: 1s, chargePoints: ["FREEVEND-*"] }
  - { name: reset-faulted, kind: reset-when-faulted, after: 3s, maxPerDay: 3 }
  - { name: reboot-loop, kind: quarantine-reboot-loop, boots: 5, window: 10m }
  - { name: orphans, kind: close-orphaned-transactions }
`;

const SCENARIO = fileURLToPath(
  new URL("../../../../packages/simulator/scenarios/automations.yaml", import.meta.url),
);

let nats: ProvidedNats;
let dir: string;
const processes: SpawnedProcess[] = [];
const prefix = uniqueName("auto");
const stream = prefix.toUpperCase();

beforeAll(async () => {
  nats = await provideNats();
  dir = await mkdtemp(join(tmpdir(), "levity-automations-"));
});
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop("SIGKILL")));
  await nats?.dispose();
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({
  NATS_URL: nats.url,
  EVENT_STREAM: stream,
  SUBJECT_PREFIX: prefix,
  LOG_LEVEL: "info",
});

async function projector(gateway: GatewayProcess, extra: Record<string, string> = {}) {
  const started: ServiceProcess = await launchProjector({
    ...env(),
    AUTOMATIONS: join(dir, "automations.yaml"),
    COMMAND_API: gateway.apiUrl,
    COMMAND_TOKEN_FILE: join(dir, "automations-token"),
    ...extra,
  });
  processes.push(started.process);
  return started;
}

/** The commands the simulator received, by charge point and action. */
async function received(): Promise<Record<string, number>> {
  const text = await readFile(join(dir, "commands.jsonl"), "utf8").catch(() => "");
  const counts: Record<string, number> = {};
  for (const line of text.split("\n").filter(Boolean)) {
    const { cpId, action } = JSON.parse(line) as { cpId: string; action: string };
    counts[`${cpId} ${action}`] = (counts[`${cpId} ${action}`] ?? 0) + 1;
  }
  return counts;
}

/** The stream's automation and command events, one line each: what a failure needs to be read. */
async function decisionsAndCommands(): Promise<string> {
  const connection = await connect({ servers: nats.url });
  const log = await JetStreamEventLog.open(connection, { stream, subjectPrefix: prefix });
  const lines = (await readEvents(log))
    .filter((event) => event.type.startsWith("automation.") || event.type.startsWith("command."))
    .map((event) => JSON.stringify(event));
  await log.close();
  await connection.close();
  return lines.join("\n");
}

describe("automations on the split services", () => {
  it("act once per decision with two replicas, one killed mid-decision and replayed from zero", async () => {
    const { token, record } = newApiToken("automations", new Date());
    await writeFile(join(dir, "api-tokens.yaml"), serializeApiTokens(new ApiTokens([record])));
    await writeFile(join(dir, "automations-token"), `${token}\n`);
    await writeFile(join(dir, "automations.yaml"), AUTOMATIONS);

    const gateway = await launchGateway({
      ...env(),
      ALLOW_UNKNOWN: "true",
      API_TOKENS: join(dir, "api-tokens.yaml"),
    });
    processes.push(gateway.process);
    const first = await projector(gateway);
    const second = await projector(gateway, { NO_HISTORY_INDEX: "true" });

    const sim = spawnProcess(process.execPath, [
      LEVITY_PROGRAMS.sim,
      ...["--url", gateway.url, "--scenario", SCENARIO],
      ...["--command-log", join(dir, "commands.jsonl")],
    ]);
    processes.push(sim);

    // Killed right after the first decision is stored, maybe before sending its command; restarted
    // with no snapshot, so it replays every event, its own decisions included.
    await Promise.race(
      [first, second].map((replica) =>
        replica.process.waitForOutput(/automation [a-z-]+ decided/, 60_000),
      ),
    );
    await first.process.stop("SIGKILL");
    const connection = await connect({ servers: nats.url });
    await (await jetstreamManager(connection)).streams.purge(`KV_${stream}_SNAPSHOTS`);
    const restarted = await projector(gateway);

    const expected = {
      "FREEVEND-1 RemoteStartTransaction": 1,
      "FAULTY-1 Reset": 1,
      "LOOPY-1 ChangeAvailability": 1,
      "ORPHAN-1 TriggerMessage": 1,
    };
    await eventually(async () => expect(await received()).toEqual(expected), {
      timeoutMs: 60_000,
    }).catch(async (error: unknown) => {
      throw new Error(
        `${(error as Error).message}\nthe stream's decisions and commands:\n${await decisionsAndCommands()}`,
      );
    });
    await eventually(
      async () => {
        for (const replica of [second, restarted]) {
          const metrics = await scrapeMetrics(`${replica.opsUrl}/metrics`);
          for (const automation of ["free-vend", "reset-faulted", "reboot-loop", "orphans"])
            expect(
              sampleValue(metrics, "levity_automation_decisions_total", {
                automation,
                outcome: "accepted",
              }),
              automation,
            ).toBe(1);
          expect(
            sampleValue(metrics, "levity_automation_quarantined", {
              cp_id: "LOOPY-1",
              automation: "reboot-loop",
            }),
          ).toBe(1);
        }
      },
      { timeoutMs: 60_000 },
    );
    expect(restarted.process.output).not.toContain("restored snapshot");

    // The scenario ends by itself; nothing more was sent meanwhile, and nothing to PLAIN-1.
    expect((await sim.exited).code).toBe(0);
    expect(await received()).toEqual(expected);

    const log = await JetStreamEventLog.open(connection, {
      stream,
      subjectPrefix: prefix,
    });
    const events: LevityEvent[] = await readEvents(log);
    const acted = events.flatMap((event) =>
      event.type === "automation.decided" && event.payload.decision === "act" ? [event] : [],
    );
    expect(acted.map((event) => event.cpId).sort()).toEqual([
      "FAULTY-1",
      "FREEVEND-1",
      "LOOPY-1",
      "ORPHAN-1",
    ]);
    const requested = events.flatMap((event) =>
      event.type === "command.requested" ? [event.payload.idempotencyKey] : [],
    );
    expect(requested.sort()).toEqual(acted.map((event) => event.id).sort());
    await log.close();
    await connection.close();
  }, 180_000);
});
