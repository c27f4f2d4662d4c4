import { fileURLToPath } from "node:url";
import type { CpEvent } from "@levity/events";
import { readEvents } from "@levity/events/testing";
import { JetStreamEventLog } from "@levity/nats";
import { OcppClient } from "@levity/simulator";
import {
  freePort,
  type ProvidedNats,
  provideNats,
  sampleValue,
  scrapeMetrics,
  spawnProcess,
} from "@levity/testkit";
import { connect } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newStreamSpace } from "./gateway-fixture.js";

const MAIN = fileURLToPath(new URL("../../dist/main.js", import.meta.url));
let nats: ProvidedNats;

beforeAll(async () => {
  nats = await provideNats();
});
afterAll(async () => {
  await nats?.dispose();
});

describe("the gateway process", () => {
  it("prints its options on --help", async () => {
    const help = spawnProcess(process.execPath, [MAIN, "--help"]);
    expect(await help.exited).toEqual({ code: 0, signal: null });
    expect(help.output).toContain("--heartbeat-interval");
    expect(help.output).toContain("OCPP_PORT");
  });

  it.each([
    [["--port", "nope"], "error: --port: expected an integer"],
    [["--colour", "red"], "error: unknown option --colour"],
    [["--nats", "http://x"], "error: --nats: expected a nats or tls or ws or wss URL"],
  ])("exits 2 with a one-line reason for %j", async (args, message) => {
    const bad = spawnProcess(process.execPath, [MAIN, ...args]);
    expect((await bad.exited).code).toBe(2);
    expect(bad.output.trim().split("\n")).toHaveLength(1);
    expect(bad.output).toContain(message);
  });

  it("reads a bad value from the environment as an error naming the variable", async () => {
    const bad = spawnProcess(process.execPath, [MAIN], {
      env: { ...process.env, PING_INTERVAL: "-1" },
    });
    expect((await bad.exited).code).toBe(2);
    expect(bad.output).toContain("PING_INTERVAL");
  });

  it("serves health, readiness and metrics, and on SIGTERM records every session close", async () => {
    const space = newStreamSpace();
    const [ocppPort, metricsPort] = [await freePort(), await freePort()];
    const gateway = spawnProcess(
      process.execPath,
      [MAIN, "--gateway-id", "gw-proc", "--allow-unknown"],
      {
        env: {
          ...process.env,
          NATS_URL: nats.url,
          OCPP_PORT: String(ocppPort),
          METRICS_PORT: String(metricsPort),
          EVENT_STREAM: space.stream,
          SUBJECT_PREFIX: space.subjectPrefix,
        },
      },
    );
    await gateway.waitForOutput(/gateway ready/);
    const ops = `http://127.0.0.1:${metricsPort}`;
    expect((await fetch(`${ops}/healthz`)).status).toBe(200);
    expect((await fetch(`${ops}/readyz`)).status).toBe(200);

    const clients = await Promise.all(
      ["CP-1", "CP-2", "CP-3"].map((id) =>
        OcppClient.connect(`ws://127.0.0.1:${ocppPort}/ocpp`, id),
      ),
    );
    for (const client of clients)
      expect(await client.call("Heartbeat", {})).toMatchObject({ kind: "result" });
    const metrics = await scrapeMetrics(`${ops}/metrics`);
    expect(sampleValue(metrics, "levity_gateway_connections")).toBe(3);
    expect(sampleValue(metrics, "levity_gateway_calls_total", { action: "Heartbeat" })).toBe(3);
    expect(sampleValue(metrics, "process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(metrics.samples.some((s) => "cp_id" in s.labels)).toBe(false);

    expect(await gateway.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    for (const client of clients) expect((await client.closed).code).toBe(1001);

    const connection = await connect({ servers: nats.url });
    const log = await JetStreamEventLog.open(connection, {
      stream: space.stream,
      subjectPrefix: space.subjectPrefix,
    });
    const events = await readEvents(log);
    const closes = events.filter(
      (e): e is CpEvent & { type: "session.closed" } => e.type === "session.closed",
    );
    expect(closes.map((e) => [e.cpId, e.payload.reason]).sort()).toEqual([
      ["CP-1", "gateway-shutdown"],
      ["CP-2", "gateway-shutdown"],
      ["CP-3", "gateway-shutdown"],
    ]);
    expect(events.at(-1)).toMatchObject({ type: "gateway.stopped", gatewayId: "gw-proc" });
    expect(gateway.output).toContain('"msg":"stopped"');
    await connection.close();
  });
});
