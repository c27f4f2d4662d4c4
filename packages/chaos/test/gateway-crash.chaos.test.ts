import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LevityEvent } from "@levity/events";
import { readEvents } from "@levity/events/testing";
import { JetStreamEventLog } from "@levity/nats";
import { type Stack, startStack, testStackOptions } from "@levity/stack";
import {
  eventually,
  fleetSeries,
  launchProjector,
  type ParsedMetrics,
  type ServiceProcess,
  sampleValue,
  scrapeMetrics,
} from "@levity/testkit";
import { connect } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectorMetricsAt } from "./harness/chaos-cluster.js";
import { SimRun } from "./harness/sim-run.js";

const FLEET = 200;
let dir: string;
let stack: Stack;
let natsUrl: string;
let names: { stream: string; subjectPrefix: string };
/** A second projector, active-active with the stack's: both watch the gateways. */
let twin: ServiceProcess;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "levity-chaos-gw-"));
  const options = await testStackOptions(dir);
  names = { stream: options.stream, subjectPrefix: options.subjectPrefix };
  natsUrl = `nats://127.0.0.1:${options.natsPort}`;
  stack = await startStack(options);
  twin = await launchProjector({
    NATS_URL: natsUrl,
    EVENT_STREAM: names.stream,
    SUBJECT_PREFIX: names.subjectPrefix,
    GATEWAY_TIMEOUT: "3",
    LOG_LEVEL: "warn",
  });
}, 90_000);

afterAll(async () => {
  await twin?.process.stop("SIGKILL");
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function storedEvents(): Promise<LevityEvent[]> {
  const connection = await connect({ servers: natsUrl });
  try {
    return await readEvents(await JetStreamEventLog.open(connection, names));
  } finally {
    await connection.close();
  }
}

async function lastSequence(): Promise<number> {
  const connection = await connect({ servers: natsUrl });
  try {
    return await (await JetStreamEventLog.open(connection, names)).lastSequence();
  } finally {
    await connection.close();
  }
}

const projectors = () => [`${stack.projectorUrl}/metrics`, `${twin.opsUrl}/metrics`];
const total = (metrics: ParsedMetrics, name: string) =>
  metrics.samples.filter((s) => s.name === name).reduce((sum, s) => sum + s.value, 0);

describe("a gateway killed with SIGKILL behind the load balancer", () => {
  it("moves its charge points to the survivor, counts each once, and is declared lost once", async () => {
    const sim = new SimRun([
      ...["--url", stack.ocppUrl, "--prefix", "GW-", "--count", String(FLEET), "--seed", "5"],
      ...["--ramp", "2", "--idle-mean", "3", "--charge-mean", "30", "--meter-interval", "5"],
      ...["--fault-rate", "0", "--reboot-rate", "0", "--drop-rate", "0"],
    ]);
    for (const url of projectors())
      await eventually(
        async () => expect(total(await scrapeMetrics(url), "ocpp_cp_connected")).toBe(FLEET),
        {
          timeoutMs: 30_000,
        },
      );
    const [dead, survivor] = stack.gateways;
    if (!dead || !survivor) throw new Error("the stack runs two gateways");
    const onDead =
      sampleValue(await scrapeMetrics(`${dead.opsUrl}/metrics`), "levity_gateway_connections") ?? 0;
    expect(onDead).toBeGreaterThan(0);

    await dead.process.stop("SIGKILL");
    await eventually(
      async () =>
        expect(
          sampleValue(
            await scrapeMetrics(`${survivor.opsUrl}/metrics`),
            "levity_gateway_connections",
          ),
        ).toBe(FLEET),
      { timeoutMs: 30_000 },
    );
    const events = await storedEvents();
    const movedIds = new Set(
      events.flatMap((e) =>
        e.type === "session.opened" && e.gatewayId === dead.id ? [e.cpId] : [],
      ),
    );
    expect(movedIds.size).toBe(onDead);

    for (const url of projectors()) {
      await eventually(
        async () => {
          const metrics = await scrapeMetrics(url);
          expect(sampleValue(metrics, "ocpp_gateway_up", { gateway_id: dead.id })).toBe(0);
          expect(total(metrics, "ocpp_cp_connected")).toBe(FLEET);
          expect(total(metrics, "ocpp_cp_disconnects_total")).toBe(onDead);
        },
        { timeoutMs: 30_000 },
      );
      const metrics = await scrapeMetrics(url);
      for (let i = 1; i <= FLEET; i++) {
        const labels = { cp_id: `GW-${i}` };
        expect(sampleValue(metrics, "ocpp_cp_boots_total", labels), labels.cp_id).toBe(1);
        expect(sampleValue(metrics, "ocpp_cp_disconnects_total", labels), labels.cp_id).toBe(
          movedIds.has(labels.cp_id) ? 1 : 0,
        );
      }
    }
    const lost = (await storedEvents()).filter(
      (e) => e.type === "gateway.lost" && e.gatewayId === dead.id,
    );
    expect(lost).toHaveLength(1);
    const { summary } = await sim.finish();
    expect(summary.reconnects).toBe(onDead);
    expect(summary.misbehaviour.schemaInvalid + summary.misbehaviour.unexpectedCallError).toBe(0);

    // Both projectors decided the loss; at the same point of the stream they agree exactly. The
    // simulator's charge points have just closed their sessions: the point is taken once both
    // projectors saw every close, or one could be compared before the last closes and one after.
    for (const url of projectors())
      await eventually(
        async () => expect(total(await scrapeMetrics(url), "ocpp_cp_connected")).toBe(0),
        { timeoutMs: 30_000 },
      );
    const last = await lastSequence();
    const [one, other] = await Promise.all(
      [{ opsUrl: stack.projectorUrl }, twin].map((projector) =>
        projectorMetricsAt(projector, last),
      ),
    );
    expect(fleetSeries(one as ParsedMetrics)).toEqual(fleetSeries(other as ParsedMetrics));
  });
});
