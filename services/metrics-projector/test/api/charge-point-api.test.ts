import { ApiTokens, newApiToken, startApi } from "@levity/api-kit";
import type { LevityEvent } from "@levity/events";
import { cpEvent } from "@levity/events/testing";
import { createLogger, type HttpServer } from "@levity/service-kit";
import { parseMetricsText, sampleValue } from "@levity/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chargePointRoutes } from "../../src/api/charge-point-routes.js";
import { renderProjection } from "../../src/metrics/render-projection.js";
import { MAX_ENDED_TRANSACTIONS } from "../../src/state/charge-points.js";
import { evolve } from "../../src/state/evolve.js";
import { EMPTY_STATE, type ProjectionState } from "../../src/state/projection-state.js";

// The charge-point API over real HTTP, reading a state folded from events: what it answers, how it
// pages and filters, what it refuses, and that it says what /metrics says of the same state.

const T = 1_700_000_000_000;
// Events arrive after the transactions' charger times below, as they would.
let clock = T + 6_000_000;
const { token, record } = newApiToken("reader", new Date(T));
let state: ProjectionState = EMPTY_STATE;
let server: HttpServer;
let base: string;

function on(cpId: string, gatewayId: string, sessionId = `s-${cpId}`) {
  return <K extends Parameters<typeof cpEvent>[0]>(
    type: K,
    payload: Parameters<typeof cpEvent<K>>[1],
  ): LevityEvent => {
    clock += 1_000;
    return cpEvent(type, payload, { cpId, gatewayId, sessionId, ts: clock });
  };
}

function connectedCp(cpId: string, gatewayId: string, vendor: string, protocol: string) {
  const e = on(cpId, gatewayId);
  return [
    e("session.opened", { protocol, instance: `${gatewayId}-1` }),
    e("cp.boot", { vendor, model: "M", firmwareVersion: "1.0" }),
    e("cp.status", { evseId: 1, connectorId: 1, status: "Available" }),
  ];
}

const events: LevityEvent[] = [];

beforeAll(async () => {
  // 250 charge points for paging: an ACME half on gw-a, an OTHER half on gw-b.
  for (let n = 0; n < 250; n++) {
    const id = `CP-${String(n).padStart(3, "0")}`;
    events.push(...connectedCp(id, n % 2 ? "gw-b" : "gw-a", n % 2 ? "OTHER" : "ACME", "ocpp1.6"));
  }
  const e = on("CP-007", "gw-b");
  events.push(
    // A finished transaction, one still open, and one orphaned by its connector moving on.
    e("tx.started", {
      evseId: 1,
      connectorId: 1,
      transactionId: "1",
      timestamp: T,
      meterStartWh: 1_000,
    }),
    e("tx.stopped", {
      evseId: 1,
      transactionId: "1",
      timestamp: T + 3_600_000,
      meterStopWh: 8_000,
      reason: "EVDisconnected",
    }),
    e("tx.started", {
      evseId: 2,
      connectorId: 1,
      transactionId: "2",
      timestamp: T + 4_000_000,
      meterStartWh: 500,
    }),
    e("meter.values", {
      evseId: 2,
      connectorId: 1,
      transactionId: "2",
      samples: [
        {
          timestamp: T + 4_100_000,
          measurand: "Energy.Active.Import.Register",
          unit: "Wh",
          value: 2_500,
        },
        { timestamp: T + 4_100_000, measurand: "Power.Active.Import", unit: "W", value: 11_000 },
      ],
    }),
    e("cp.status", { evseId: 2, connectorId: 1, status: "Charging" }),
    e("tx.started", {
      evseId: 1,
      connectorId: 1,
      transactionId: "3",
      timestamp: T + 5_000_000,
      meterStartWh: 8_000,
    }),
    e("cp.status", { evseId: 1, connectorId: 1, status: "Available" }),
    e("cp.status", { evseId: 3, connectorId: 1, status: "Faulted" }),
  );
  // A 2.0.1 charge point that went away.
  const gone = on("EV-201", "gw-a");
  events.push(
    ...connectedCp("EV-201", "gw-a", "ACME", "ocpp2.0.1"),
    gone("session.closed", { reason: "closed-by-cp" }),
  );
  state = events.reduce(evolve, EMPTY_STATE);
  server = await startApi(
    { port: 0, host: "127.0.0.1", tls: undefined },
    {
      tokens: () => new ApiTokens([record]),
      logger: createLogger({ service: "test", level: "silent" }),
      features: [chargePointRoutes({ state: () => state })],
    },
  );
  base = `http://127.0.0.1:${server.port}/v1`;
});
afterAll(async () => {
  await server?.close();
});

async function get(path: string, bearer: string | null = token) {
  const response = await fetch(`${base}${path}`, {
    headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

interface Page {
  items: { id: string; connected: boolean; gateway: string | null; vendor: string }[];
  total: number;
  next: string | null;
}

describe("the charge-point API", () => {
  it("needs a bearer token", async () => {
    expect((await get("/charge-points", null)).status).toBe(401);
    expect((await get("/charge-points", "lvt_not-a-token")).body.error).toBe("unauthorized");
  });

  it("pages through every charge point in identity order, each once, with a cursor", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const query: string = after ? `?limit=100&after=${encodeURIComponent(after)}` : "?limit=100";
      const { status, body } = await get(`/charge-points${query}`);
      expect(status).toBe(200);
      const page = body as unknown as Page;
      expect(page.total).toBe(251);
      seen.push(...page.items.map((item) => item.id));
      after = page.next;
      pages += 1;
    } while (after);
    expect(pages).toBe(3);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(251);
  });

  it("filters by connected, status, vendor, protocol and gateway", async () => {
    const page = async (query: string) =>
      (await get(`/charge-points?${query}`)).body as unknown as Page;
    expect((await page("connected=false")).items.map((i) => i.id)).toEqual(["EV-201"]);
    expect((await page("connected=true")).total).toBe(250);
    expect((await page("status=Faulted")).items.map((i) => i.id)).toEqual(["CP-007"]);
    expect((await page("status=Charging&gateway=gw-b")).items.map((i) => i.id)).toEqual(["CP-007"]);
    expect((await page("vendor=OTHER")).total).toBe(125);
    expect((await page("protocol=ocpp2.0.1")).items.map((i) => i.id)).toEqual(["EV-201"]);
    expect((await page("gateway=gw-a&vendor=ACME&limit=1")).next).toBe("CP-000");
    expect((await page("gateway=nowhere")).items).toEqual([]);
  });

  it("answers one charge point: session, identity, each connector with its status and active transaction", async () => {
    const { status, body } = await get("/charge-points/CP-007");
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: "CP-007",
      connected: true,
      gateway: "gw-b",
      protocol: "ocpp1.6",
      vendor: "OTHER",
      model: "M",
      firmware: "1.0",
      energyDeliveredWh: 7_000 + 2_000,
      transactions: 2,
    });
    const connectors = body.connectors as { id: number; status: string; transaction: unknown }[];
    expect(connectors.map((c) => [c.id, c.status])).toEqual([
      [1, "Available"],
      [2, "Charging"],
      [3, "Faulted"],
    ]);
    expect(connectors[1]?.transaction).toEqual({
      transactionId: "2",
      startedAt: new Date(T + 4_000_000).toISOString(),
      energyWh: 2_000,
      powerW: 11_000,
    });
    const gone = await get("/charge-points/EV-201");
    expect(gone.body).toMatchObject({ connected: false, gateway: null, protocol: "ocpp2.0.1" });
  });

  it("lists the latest ended transactions first, with energy, stop reason and how each ended", async () => {
    const { status, body } = await get("/charge-points/CP-007/transactions");
    expect(status).toBe(200);
    const items = body.items as Record<string, unknown>[];
    expect(items.map((t) => [t.transactionId, t.endedBy])).toEqual([
      ["3", "orphaned"],
      ["1", "stop"],
    ]);
    expect(items[1]).toEqual({
      transactionId: "1",
      evseId: 1,
      startedAt: new Date(T).toISOString(),
      stoppedAt: new Date(T + 3_600_000).toISOString(),
      energyWh: 7_000,
      stopReason: "EVDisconnected",
      endedBy: "stop",
    });
    expect((await get("/charge-points/CP-007/transactions?limit=1")).body.items).toHaveLength(1);
  });

  it("says what /metrics says of the same state", async () => {
    const metrics = parseMetricsText(await renderProjection({ state, connected: true }));
    const detail = (await get("/charge-points/CP-007")).body;
    expect(detail.energyDeliveredWh).toBe(
      sampleValue(metrics, "ocpp_cp_energy_delivered_wh_total", { cp_id: "CP-007" }),
    );
    expect(detail.transactions).toBe(
      sampleValue(metrics, "ocpp_transactions_total", { cp_id: "CP-007" }),
    );
    const faulted = (await get("/charge-points?status=Faulted&limit=1000")).body as unknown as Page;
    expect(faulted.total).toBe(
      sampleValue(metrics, "ocpp_connectors_by_status", { status: "Faulted" }),
    );
    const connected = (await get("/charge-points?connected=true")).body as unknown as Page;
    expect(connected.total).toBe(
      [...state.cps.keys()].filter(
        (id) => sampleValue(metrics, "ocpp_cp_connected", { cp_id: id }) === 1,
      ).length,
    );
  });

  it("refuses bad input with 400 and a message, and unknown charge points with 404", async () => {
    for (const query of [
      "limit=0",
      "limit=-3",
      "limit=1001",
      "limit=99999999999999999999",
      "limit=ten",
      "connected=maybe",
      "status=Sleeping",
      "colour=red",
      `after=${"x".repeat(300)}`,
    ]) {
      const { status, body } = await get(`/charge-points?${query}`);
      expect(status, query).toBe(400);
      expect(body.error, query).toBe("bad-request");
      expect(typeof body.message, query).toBe("string");
    }
    const unknownFilter = await get("/charge-points?vendr=ACME");
    expect(unknownFilter.body.message).toMatch(/unknown query parameter vendr/);
    expect(
      (await get(`/charge-points/CP-007/transactions?limit=${MAX_ENDED_TRANSACTIONS + 1}`)).status,
    ).toBe(400);
    expect((await get("/charge-points/CP-007?verbose=1")).status).toBe(400);
    const missing = await get("/charge-points/NOPE");
    expect(missing).toEqual({
      status: 404,
      body: { error: "unknown-charge-point", message: "NOPE was never seen" },
    });
    expect((await get("/charge-points/NOPE/transactions")).status).toBe(404);
    // The longest identity a gateway admits, every character percent-encoded, is still a lookup.
    const longest = encodeURIComponent("é".repeat(255));
    expect((await get(`/charge-points/${longest}`)).body.error).toBe("unknown-charge-point");
    const malformed = await get("/charge-points/%E0%A4%A");
    expect([malformed.status, malformed.body.error]).toEqual([400, "bad-request"]);
    const post = await fetch(`${base}/charge-points`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    expect([post.status, post.headers.get("allow")]).toEqual([405, "GET, HEAD"]);
  });
});
