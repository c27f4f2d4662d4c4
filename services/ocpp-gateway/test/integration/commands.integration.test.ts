import { ApiTokens, newApiToken, startApi } from "@levity/api-kit";
import type { LevityEvent } from "@levity/events";
import { readEvents } from "@levity/events/testing";
import { createLogger, type HttpServer } from "@levity/service-kit";
import { OcppClient } from "@levity/simulator";
import {
  eventually,
  NO_REPLY,
  type ProvidedNats,
  provideNats,
  strictRpcClient,
} from "@levity/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { commandRoutes } from "../../src/api/command-routes.js";
import {
  type GatewayUnderTest,
  newStreamSpace,
  type StreamSpace,
  startTestGateway,
} from "./gateway-fixture.js";

// Two gateways on one stream, each with the command API, as two processes behind a load balancer
// would be; charge points are strict ocpp-rpc clients (an independent peer that refuses any
// schema-invalid CALL) or raw OCPP-J clients where a test needs to misbehave.

let nats: ProvidedNats;
let space: StreamSpace;
let gwA: GatewayUnderTest;
let gwB: GatewayUnderTest;
const apis: HttpServer[] = [];
const peers: { close(): Promise<unknown> }[] = [];
const { token, record } = newApiToken("ops", new Date());
const tokens = new ApiTokens([record]);
let logs = "";

beforeAll(async () => {
  nats = await provideNats();
  space = newStreamSpace();
  const settings = { maxQueuedCommands: 1, commandTimeout: 5, aliveInterval: 60 };
  gwA = await startTestGateway(nats.url, space, { ...settings, gatewayId: "gw-a" });
  gwB = await startTestGateway(nats.url, space, { ...settings, gatewayId: "gw-b" });
  const logger = createLogger({
    service: "api",
    level: "info",
    destination: {
      write: (line: string) => {
        logs += line;
        return true;
      },
    } as NodeJS.WritableStream,
  });
  for (const g of [gwA, gwB]) {
    apis.push(
      await startApi(
        { port: 0, host: "127.0.0.1", tls: undefined },
        {
          tokens: () => tokens,
          logger,
          features: [
            commandRoutes({
              commands: g.gateway.commands,
              knownChargePoint: (cpId) => cpId !== "UNREGISTERED",
              commandTimeoutS: 5,
              now: Date.now,
            }),
          ],
        },
      ),
    );
  }
});
afterEach(async () => {
  await Promise.all(peers.splice(0).map((peer) => peer.close().catch(() => {})));
});
afterAll(async () => {
  for (const api of apis) await api.close();
  await gwA?.stop();
  await gwB?.stop();
  await nats?.dispose();
});

const apiOf = (index: number) => `http://127.0.0.1:${apis[index]?.port}`;

/** Calls the API of gateway `via` (0: gw-a, 1: gw-b). */
async function post(
  cpId: string,
  action: string,
  body: unknown,
  options: { via?: number; headers?: Record<string, string>; query?: string; raw?: string } = {},
) {
  const response = await fetch(
    `${apiOf(options.via ?? 0)}/v1/charge-points/${encodeURIComponent(cpId)}/commands/${action}${options.query ?? ""}`,
    {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        ...options.headers,
      },
      body: options.raw ?? JSON.stringify(body),
    },
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A strict ocpp-rpc charge point on gateway `g`, answering commands with `handlers`. */
async function rpcCharger(
  g: GatewayUnderTest,
  identity: string,
  handlers: Record<string, (params: Record<string, unknown>) => unknown>,
  protocol = "ocpp1.6",
) {
  const received: string[] = [];
  const client = strictRpcClient(g.url, identity, [protocol]);
  for (const [action, handle] of Object.entries(handlers)) {
    client.handle(action, async ({ params }) => {
      received.push(action);
      return handle(params ?? {});
    });
  }
  await client.connect();
  peers.push(client);
  // Claimed once its session is the owner: a command sent before may find it offline.
  await eventually(async () => expect((await g.route.ownerOf(identity))?.protocol).toBe(protocol));
  return { client, received };
}

const commandEvents = (events: readonly LevityEvent[], commandId: unknown) =>
  events.filter((e) => "commandId" in e && e.commandId === commandId).map((e) => e.type);

describe("commands through the API, to the gateway that holds the charge point", () => {
  it("reaches a charge point on the other gateway and answers with its answer, stored as events", async () => {
    const charger = await rpcCharger(gwB, "CMD-1", { Reset: () => ({ status: "Accepted" }) });
    const { status, body } = await post("CMD-1", "Reset", { type: "Soft" }, { via: 0 });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      cpId: "CMD-1",
      action: "Reset",
      status: "completed",
      requestedBy: "ops",
      response: { status: "Accepted" },
    });
    expect(charger.received).toEqual(["Reset"]);
    await eventually(async () =>
      expect(commandEvents(await readEvents(gwA.log), body.commandId)).toEqual([
        "command.requested",
        "command.completed",
      ]),
    );
  });

  it("keeps a charger's Rejected as its business answer: 200", async () => {
    await rpcCharger(gwA, "CMD-REJ", { ChangeAvailability: () => ({ status: "Rejected" }) });
    const { status, body } = await post("CMD-REJ", "ChangeAvailability", {
      connectorId: 1,
      type: "Inoperative",
    });
    expect(status).toBe(200);
    expect(body.response).toEqual({ status: "Rejected" });
  });

  it("knows at once that a charge point has no session anywhere: 409, recorded as offline", async () => {
    const { status, body } = await post("NOBODY-HERE", "Reset", { type: "Hard" });
    expect(status).toBe(409);
    expect(body.error).toBe("offline");
    await eventually(async () =>
      expect(commandEvents(await readEvents(gwA.log), body.commandId)).toEqual([
        "command.requested",
        "command.failed",
      ]),
    );
  });

  it("refuses what must not be sent: unknown action 404, invalid payload 422, unregistered 404", async () => {
    await rpcCharger(gwA, "CMD-1", {});
    expect(await post("CMD-1", "Frobnicate", {})).toMatchObject({
      status: 404,
      body: { error: "unknown-action", protocol: "ocpp1.6" },
    });
    expect(await post("CMD-1", "Reset", { type: "Gentle" })).toMatchObject({
      status: 422,
      body: { error: "invalid-payload", path: "/type", protocol: "ocpp1.6" },
    });
    expect(await post("CMD-1", "Reset", { type: "Soft", extra: 1 })).toMatchObject({
      status: 422,
      body: { error: "invalid-payload", path: "/extra" },
    });
    expect(await post("UNREGISTERED", "Reset", { type: "Soft" })).toMatchObject({
      status: 404,
      body: { error: "unknown-charge-point" },
    });
  });

  it("sends 2.0.1 commands to a 2.0.1 charger, checked against 2.0.1: another protocol's action or payload is 422", async () => {
    const charger = await rpcCharger(
      gwB,
      "CMD-201",
      {
        Reset: () => ({ status: "Accepted" }),
        GetVariables: ({ getVariableData }) => ({
          getVariableResult: (getVariableData as { component: object; variable: object }[]).map(
            ({ component, variable }) => ({
              attributeStatus: "Accepted",
              attributeValue: "300",
              component,
              variable,
            }),
          ),
        }),
      },
      "ocpp2.0.1",
    );
    expect(await post("CMD-201", "Reset", { type: "Immediate" }, { via: 0 })).toMatchObject({
      status: 200,
      body: { status: "completed", response: { status: "Accepted" } },
    });
    const read = await post("CMD-201", "GetVariables", {
      getVariableData: [
        { component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" } },
      ],
    });
    expect(read).toMatchObject({
      status: 200,
      body: { response: { getVariableResult: [{ attributeValue: "300" }] } },
    });
    expect(await post("CMD-201", "Reset", { type: "Soft" })).toMatchObject({
      status: 422,
      body: { error: "invalid-payload", protocol: "ocpp2.0.1", path: "/type" },
    });
    const remote = await post("CMD-201", "RemoteStartTransaction", { idTag: "T" });
    expect(remote).toMatchObject({
      status: 422,
      body: { error: "wrong-protocol", protocol: "ocpp2.0.1" },
    });
    expect(remote.body.message).toMatch(/ocpp2\.0\.1/);
    expect(charger.received).toEqual(["Reset", "GetVariables"]);
  });

  it("stores a 2.0.1 command to a charger with no session as offline: valid in a protocol served", async () => {
    const { status, body } = await post("NOBODY-201", "RequestStartTransaction", {
      idToken: { idToken: "T", type: "Central" },
      remoteStartId: 1,
    });
    expect(status).toBe(409);
    expect(body.error).toBe("offline");
  });

  it("shows a charger's CALLERROR and a schema-invalid answer as 502, both said as such", async () => {
    const raw = await OcppClient.connect(gwB.url, "CMD-RAW");
    peers.push(raw);
    await eventually(async () => expect(await gwB.route.ownerOf("CMD-RAW")).toBeDefined());
    raw.onCall((action) =>
      action === "ClearCache"
        ? { kind: "error", code: "InternalError", description: "flash is busy" }
        : { kind: "result", payload: { status: "Maybe" } },
    );
    expect(await post("CMD-RAW", "ClearCache", {})).toMatchObject({
      status: 502,
      body: { error: "rejected", errorCode: "InternalError", errorDescription: "flash is busy" },
    });
    const invalid = await post("CMD-RAW", "Reset", { type: "Soft" });
    expect(invalid).toMatchObject({ status: 502, body: { error: "invalid-answer" } });
    expect(invalid.body.detail).toMatch(/status/);
  });

  it("answers 504 with the command id when the charger is silent, then GET tells the outcome", async () => {
    const silent = await OcppClient.connect(gwA.url, "CMD-SILENT");
    peers.push(silent);
    await eventually(async () => expect(await gwA.route.ownerOf("CMD-SILENT")).toBeDefined());
    silent.onCall(() => ({ kind: "silent" }));
    const { status, body } = await post("CMD-SILENT", "ClearCache", {}, { query: "?timeout=1" });
    expect(status).toBe(504);
    expect(body).toMatchObject({ error: "timed-out" });
    const read = await fetch(`${apiOf(1)}/v1/commands/${String(body.commandId)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await read.json()).toMatchObject({
      status: "failed",
      failure: { reason: "timed-out" },
      cpId: "CMD-SILENT",
    });
  });

  it("refuses a command beyond the charge point's queue at once: 429", async () => {
    const charger = await rpcCharger(gwB, "CMD-BUSY", { ClearCache: () => NO_REPLY });
    // One in flight, one waiting (--max-queued-commands 1), the third refused.
    const asked = [0, 1].map(() => post("CMD-BUSY", "ClearCache", {}, { query: "?timeout=2" }));
    await eventually(() => expect(charger.received.length).toBe(1));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await post("CMD-BUSY", "ClearCache", {})).toMatchObject({
      status: 429,
      body: { error: "queue-full" },
    });
    expect((await Promise.all(asked)).map((answer) => answer.status)).toEqual([504, 504]);
  });

  it("sends a command once per idempotency key, even from two gateways racing", async () => {
    const charger = await rpcCharger(gwA, "CMD-ONCE", { Reset: () => ({ status: "Accepted" }) });
    const headers = { "idempotency-key": "reset-cmd-once-1" };
    const racing = await Promise.all(
      [0, 1, 0, 1].map((via) => post("CMD-ONCE", "Reset", { type: "Soft" }, { via, headers })),
    );
    expect(racing.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(racing.map((answer) => answer.body.commandId)).size).toBe(1);
    expect(charger.received).toEqual(["Reset"]);
    // The same key for another action is a mistake, said as such.
    expect(await post("CMD-ONCE", "ClearCache", {}, { headers })).toMatchObject({
      status: 409,
      body: { error: "idempotency-key-reused" },
    });
  });

  it("answers 202 at once with Prefer: respond-async; GET shows it pending, then done", async () => {
    let answer: () => void = () => {};
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    await rpcCharger(gwB, "CMD-ASYNC", {
      GetLocalListVersion: async () => {
        await answered;
        return { listVersion: 4 };
      },
    });
    const { status, body } = await post(
      "CMD-ASYNC",
      "GetLocalListVersion",
      {},
      { headers: { prefer: "respond-async" } },
    );
    expect(status).toBe(202);
    const url = `${apiOf(0)}${String(body.location)}`;
    const read = async () =>
      (await (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).json()) as {
        status: string;
        response?: unknown;
      };
    await eventually(async () => expect((await read()).status).toBe("pending"));
    answer();
    await eventually(async () =>
      expect(await read()).toMatchObject({ status: "completed", response: { listVersion: 4 } }),
    );
  });

  it("follows a charge point that moved to another gateway; its old session is closed as replaced", async () => {
    const first = await rpcCharger(gwA, "CMD-MOVE", { ClearCache: () => ({ status: "Accepted" }) });
    expect((await post("CMD-MOVE", "ClearCache", {})).status).toBe(200);
    // The same identity connects to the other gateway while the first socket still looks alive.
    const closed = new Promise<number>((resolve) =>
      first.client.once("close", ({ code }) => resolve(code)),
    );
    const second = await rpcCharger(gwB, "CMD-MOVE", {
      ClearCache: () => ({ status: "Accepted" }),
    });
    await eventually(async () =>
      expect((await gwA.route.ownerOf("CMD-MOVE"))?.gatewayId).toBe("gw-b"),
    );
    expect(await closed).toBe(1000);
    expect((await post("CMD-MOVE", "ClearCache", {}, { via: 0 })).status).toBe(200);
    expect(first.received).toEqual(["ClearCache"]);
    expect(second.received).toEqual(["ClearCache"]);
    const events = await readEvents(gwA.log);
    expect(
      events.some(
        (e) =>
          e.type === "session.closed" && e.cpId === "CMD-MOVE" && e.payload.reason === "replaced",
      ),
    ).toBe(true);
  });

  it("fails a command in flight when its session closes: 502 session-closed", async () => {
    const leaving = await OcppClient.connect(gwA.url, "CMD-GONE");
    await eventually(async () => expect(await gwA.route.ownerOf("CMD-GONE")).toBeDefined());
    leaving.onCall(() => {
      setTimeout(() => leaving.terminate(), 50);
      return { kind: "silent" };
    });
    expect(await post("CMD-GONE", "ClearCache", {})).toMatchObject({
      status: 502,
      body: { error: "session-closed" },
    });
  });
});

describe("the API's answers to bad requests", () => {
  const call = (init: RequestInit & { path?: string }) =>
    fetch(`${apiOf(0)}${init.path ?? "/v1/charge-points/CMD-1/commands/Reset"}`, {
      method: "POST",
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        ...init.headers,
      },
    });

  it("needs a token it knows, and logs a refusal without the token", async () => {
    const none = await fetch(`${apiOf(0)}/v1/commands/x`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: "unauthorized" });
    const wrong = await fetch(`${apiOf(0)}/v1/commands/x`, {
      headers: { authorization: "Bearer lvt_not-a-token-we-issued" },
    });
    expect(wrong.status).toBe(401);
    expect(logs).toMatch(/"reason":"unknown token".*"API request refused"/);
    expect(logs).not.toContain("lvt_not-a-token-we-issued");
    expect(logs).not.toContain(token);
  });

  it("answers every malformed request with a status and a JSON error, never a stack", async () => {
    const cases: [RequestInit & { path?: string }, number, string][] = [
      [{ body: "{nope" }, 400, "bad-request"],
      [{ body: JSON.stringify({ type: "x".repeat(70_000) }) }, 413, "payload-too-large"],
      [{ body: "[1]" }, 400, "bad-request"],
      [{ method: "GET" }, 405, "method-not-allowed"],
      [{ method: "DELETE", path: "/v1/commands/abc", body: "{}" }, 405, "method-not-allowed"],
      [{ path: "/v1/nothing/here", body: "{}" }, 404, "not-found"],
      [{ body: "{}", headers: { "content-type": "text/plain" } }, 415, "unsupported-media-type"],
      [
        { body: "{}", path: "/v1/charge-points/CMD-1/commands/Reset?timeout=0" },
        400,
        "bad-request",
      ],
      [
        { body: "{}", path: "/v1/charge-points/CMD-1/commands/Reset?timeout=999" },
        400,
        "bad-request",
      ],
      [
        {
          body: "{}",
          path: "/v1/charge-points/CMD-1/commands/Reset?deadline=2001-01-01T00:00:00Z",
        },
        422,
        "deadline-passed",
      ],
      [{ body: "{}", path: "/v1/charge-points/CP%007/commands/Reset" }, 400, "bad-identity"],
    ];
    for (const [init, status, error] of cases) {
      const response = await call(init);
      const body = (await response.json()) as { error: string; message: string };
      expect([response.status, body.error], JSON.stringify(init)).toEqual([status, error]);
      expect(body.message).not.toMatch(/\n\s+at /);
    }
  });

  it("routes identities with odd characters to the right charge point", async () => {
    const charger = await rpcCharger(gwB, "depot 7/ä", {
      ClearCache: () => ({ status: "Accepted" }),
    });
    expect((await post("depot 7/ä", "ClearCache", {})).status).toBe(200);
    expect(charger.received).toEqual(["ClearCache"]);
  });

  it("describes itself in an OpenAPI document, without a token", async () => {
    const response = await fetch(`${apiOf(0)}/v1/openapi.json`);
    const document = (await response.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual([
      "/v1/charge-points/{id}/commands/{action}",
      "/v1/commands/{id}",
    ]);
  });
});
