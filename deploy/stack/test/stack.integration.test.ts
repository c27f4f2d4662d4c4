import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OcppClient } from "@levity/simulator";
import { eventually, sampleValue, scrapeMetrics } from "@levity/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack, testStackOptions } from "../src/stack.js";

let dir: string;
let stack: Stack;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "levity-stack-"));
  stack = await startStack(await testStackOptions(dir));
}, 90_000);

afterAll(async () => {
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A charge point that charges, and when its connection drops comes back through the balancer without rebooting. */
class ChargingPoint {
  client: OcppClient | undefined;
  drops = 0;
  constructor(readonly id: string) {}

  async connect(): Promise<void> {
    this.client = await OcppClient.connect(stack.ocppUrl, this.id);
    void this.client.closed.then(() => {
      this.drops += 1;
    });
  }

  async startCharging(): Promise<void> {
    const client = this.client as OcppClient;
    await client.call("BootNotification", { chargePointVendor: "ACME", chargePointModel: "DC-50" });
    await client.call("StatusNotification", {
      connectorId: 1,
      errorCode: "NoError",
      status: "Preparing",
    });
    const started = await client.call("StartTransaction", {
      connectorId: 1,
      idTag: "T",
      meterStart: 0,
      timestamp: new Date().toISOString(),
    });
    expect(started.kind).toBe("result");
  }

  /** Reconnects with back-off, as firmware does, until the balancer finds a live gateway. */
  async comeBack(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.connect();
        break;
      } catch (error) {
        if (attempt === 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    const answer = await (this.client as OcppClient).call("Heartbeat", {});
    expect(answer.kind).toBe("result");
  }
}

describe("commands through the balancer's API port", () => {
  it("reach a charge point on whichever gateway holds it, with the operator's token", async () => {
    const client = await OcppClient.connect(stack.ocppUrl, "STACK-CMD");
    client.onCall((action) =>
      action === "ClearCache"
        ? { kind: "result", payload: { status: "Accepted" } }
        : { kind: "error", code: "NotImplemented", description: action },
    );
    const token = (await readFile(stack.tokenFile, "utf8")).trim();
    await eventually(
      async () => {
        const response = await fetch(
          `${stack.apiUrl}/v1/charge-points/STACK-CMD/commands/ClearCache`,
          {
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: "{}",
          },
        );
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({ response: { status: "Accepted" } });
      },
      { timeoutMs: 15_000 },
    );
    // The projector's API, with the same token, says which gateway holds it.
    await eventually(async () => {
      const response = await fetch(`${stack.projectorApiUrl}/v1/charge-points/STACK-CMD`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(200);
      const chargePoint = (await response.json()) as { connected: boolean; gateway: string };
      expect(chargePoint.connected).toBe(true);
      expect(stack.gateways.map((gateway) => gateway.id)).toContain(chargePoint.gateway);
    });
    await client.close();
  });
});

describe("the compose topology as local processes", () => {
  it("balances charge points over both gateways and moves them to the survivor when one dies", async () => {
    const points = Array.from({ length: 10 }, (_, i) => new ChargingPoint(`STACK-${i}`));
    for (const point of points) await point.connect();
    await Promise.all(points.map((point) => point.startCharging()));

    const connections = await Promise.all(
      stack.gateways.map(async (gateway) =>
        sampleValue(await scrapeMetrics(`${gateway.opsUrl}/metrics`), "levity_gateway_connections"),
      ),
    );
    expect(connections.every((count) => (count ?? 0) > 0)).toBe(true);
    expect(connections.reduce((sum, count) => (sum ?? 0) + (count ?? 0), 0)).toBe(10);
    const projector = () => scrapeMetrics(`${stack.projectorUrl}/metrics`);
    await eventually(async () => {
      const metrics = await projector();
      for (const point of points)
        expect(sampleValue(metrics, "ocpp_tx_active", { cp_id: point.id, connector_id: "1" })).toBe(
          1,
        );
    });
    if (stack.prometheusUrl) {
      await eventually(async () => {
        const response = await fetch(
          `${stack.prometheusUrl}/api/v1/query?query=${encodeURIComponent('sum(up{job="levity-gateway"})')}`,
        );
        const body = (await response.json()) as { data: { result: { value: [number, string] }[] } };
        expect(body.data.result[0]?.value[1]).toBe("2");
      });
    }

    const [victim] = stack.gateways;
    await victim?.process.stop("SIGKILL");
    await eventually(() =>
      expect(points.filter((point) => point.drops > 0).length).toBe(connections[0]),
    );
    const moved = points.filter((point) => point.drops > 0);
    const stayed = points.filter((point) => point.drops === 0);
    await Promise.all(moved.map((point) => point.comeBack()));

    await eventually(
      async () => {
        const metrics = await projector();
        expect(sampleValue(metrics, "ocpp_gateway_up", { gateway_id: victim?.id ?? "" })).toBe(0);
        for (const point of points) {
          const labels = { cp_id: point.id };
          const wasMoved = moved.includes(point);
          expect(sampleValue(metrics, "ocpp_cp_connected", labels), point.id).toBe(1);
          expect(sampleValue(metrics, "ocpp_cp_disconnects_total", labels), point.id).toBe(
            wasMoved ? 1 : 0,
          );
          expect(sampleValue(metrics, "ocpp_cp_reconnect_during_tx_total", labels), point.id).toBe(
            wasMoved ? 1 : 0,
          );
          expect(sampleValue(metrics, "ocpp_cp_boots_during_tx_total", labels), point.id).toBe(0);
        }
      },
      { timeoutMs: 20_000 },
    );
    expect(stayed.length + moved.length).toBe(10);
    await Promise.all(points.map((point) => point.client?.close()));
  }, 90_000);
});
