import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  eventually,
  type GatewayProcess,
  LEVITY_PROGRAMS,
  sampleValue,
  scrapeMetrics,
  spawnProcess,
} from "@levity/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChaosCluster } from "./harness/chaos-cluster.js";
import { SimRun } from "./harness/sim-run.js";
import { TcpCutter } from "./harness/tcp-cutter.js";

// Within this machine's 20,000 open files per process: the relay holds two per charge point, and
// the gateways' half-open sockets linger until their keepalive ends them.
const FLEET = 1_000;
let cluster: ChaosCluster;
let gateways: GatewayProcess[];
let relay: TcpCutter;
let dir: string;
let token: string;

/** A token for the API, made by levity-admin as an operator would. */
async function addToken(file: string): Promise<string> {
  const admin = spawnProcess(process.execPath, [
    LEVITY_PROGRAMS.admin,
    ...["token", "add", "chaos", "--file", file],
  ]);
  if ((await admin.exited).code !== 0) throw new Error(admin.output);
  const made = /token \(shown once[^:]*\): (\S+)/.exec(admin.output)?.[1];
  if (!made) throw new Error(`no token in levity-admin's output: ${admin.output}`);
  return made;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "levity-chaos-move-"));
  const tokens = join(dir, "api-tokens.yaml");
  token = await addToken(tokens);
  cluster = await ChaosCluster.start();
  gateways = [];
  for (const id of ["gw-a", "gw-b"])
    gateways.push(await cluster.gateway(id, { API_TOKENS: tokens, PING_INTERVAL: "20" }));
  relay = await TcpCutter.start((gateways[0] as GatewayProcess).ocppPort);
});
afterAll(async () => {
  await relay?.close();
  await cluster?.dispose();
  await rm(dir, { recursive: true, force: true });
});

const connectionsOf = async (gateway: GatewayProcess) =>
  sampleValue(await scrapeMetrics(`${gateway.opsUrl}/metrics`), "levity_gateway_connections") ?? 0;

interface Asked {
  readonly status: number;
  readonly commandId: string | undefined;
  readonly error: string | undefined;
}

const ACTIONS: readonly [string, unknown][] = [
  ["GetConfiguration", { key: ["HeartbeatInterval"] }],
  ["TriggerMessage", { requestedMessage: "Heartbeat" }],
  ["DataTransfer", { vendorId: "Levity", data: "ping" }],
];

describe("1,000 charge points moving between gateways while commands flow", () => {
  it("gives every command exactly one outcome and delivers none twice", async () => {
    const [gwA, gwB] = gateways as [GatewayProcess, GatewayProcess];
    const commandLog = join(dir, "commands.jsonl");
    const sim = new SimRun([
      ...["--url", `ws://127.0.0.1:${relay.port}/ocpp`, "--prefix", "MOVE-"],
      ...["--count", String(FLEET), "--workers", "2", "--ramp", "5", "--seed", "21"],
      ...["--idle-mean", "100000", "--fault-rate", "0", "--reboot-rate", "0", "--drop-rate", "0"],
      ...["--command-log", commandLog],
    ]);
    await eventually(async () => expect(await connectionsOf(gwA)).toBe(FLEET), {
      timeoutMs: 60_000,
      intervalMs: 500,
    });

    // Commands through both gateways' APIs to random charge points, 16 at a time, until told.
    const asked: Asked[] = [];
    let flowing = true;
    let n = 0;
    const flow = async (lane: number) => {
      while (flowing) {
        n += 1;
        const cpId = `MOVE-${1 + ((n * 7919 + lane) % FLEET)}`;
        const [action, payload] = ACTIONS[n % ACTIONS.length] as [string, unknown];
        const api = (lane % 2 === 0 ? gwA : gwB).apiUrl;
        const response = await fetch(
          `${api}/v1/charge-points/${cpId}/commands/${action}?timeout=5`,
          {
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify(payload),
          },
        );
        const body = (await response.json()) as { commandId?: string; error?: string };
        asked.push({ status: response.status, commandId: body.commandId, error: body.error });
      }
    };
    const lanes = Array.from({ length: 16 }, (_, lane) => flow(lane));
    await eventually(() => expect(asked.length).toBeGreaterThan(500), { timeoutMs: 30_000 });

    // Every charge point moves to the other gateway; their old sockets stay open, silent.
    relay.retarget(gwB.ocppPort);
    expect(relay.cut({ halfOpen: true })).toBe(FLEET);
    await eventually(async () => expect(await connectionsOf(gwB)).toBe(FLEET), {
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    // The old sessions are superseded by the new ones and closed, not left to their keepalive.
    await eventually(async () => expect(await connectionsOf(gwA)).toBe(0), { timeoutMs: 30_000 });
    const moved = asked.length;
    await eventually(() => expect(asked.length).toBeGreaterThan(moved + 500), {
      timeoutMs: 30_000,
    });
    flowing = false;
    await Promise.all(lanes);
    const { summary } = await sim.finish();
    expect(summary.misbehaviour.schemaInvalid + summary.misbehaviour.unexpectedCallError).toBe(0);

    // What the API said: answers, and during the move offline or a session closed mid-flight.
    const statuses = new Set(asked.map((answer) => answer.status));
    for (const status of statuses) expect([200, 409, 502, 504]).toContain(status);
    expect(asked.filter((answer) => answer.status === 200).length).toBeGreaterThan(900);

    // What the charge points received: no command twice, and every answered one once.
    const received = (await readFile(commandLog, "utf8"))
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { messageId: string }).messageId);
    expect(received.length - new Set(received).size).toBe(0);
    const receivedIds = new Set(received);
    for (const answer of asked.filter((a) => a.status === 200))
      expect(receivedIds.has(answer.commandId ?? "")).toBe(true);

    // What the stream holds: every command requested has exactly one outcome.
    const events = await cluster.storedEvents();
    const outcomes = new Map<string, number>();
    const requested = new Set<string>();
    for (const event of events) {
      if (event.type === "command.requested") requested.add(event.commandId);
      if (event.type === "command.completed" || event.type === "command.failed")
        outcomes.set(event.commandId, (outcomes.get(event.commandId) ?? 0) + 1);
    }
    expect(requested.size).toBe(asked.length);
    expect([...requested].filter((id) => outcomes.get(id) !== 1)).toEqual([]);
    const replaced = events.filter(
      (e) =>
        e.type === "session.closed" && e.gatewayId === "gw-a" && e.payload.reason === "replaced",
    );
    expect(replaced.length).toBeGreaterThan(0);
  });
});
