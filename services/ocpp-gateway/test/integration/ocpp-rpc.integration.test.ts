import { randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import { type CpEvent, isCpEvent, type LevityEvent } from "@levity/events";
import { readEvents } from "@levity/events/testing";
import { OCPP16_CP_ACTIONS, ocpp16Validator } from "@levity/ocpp";
import { HandshakeRefused, OcppClient } from "@levity/simulator";
import { eventually, type ProvidedNats, provideNats } from "@levity/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { type GatewayUnderTest, newStreamSpace, startTestGateway } from "./gateway-fixture.js";

let nats: ProvidedNats;
let running: GatewayUnderTest[] = [];
const clients: OcppClient[] = [];

beforeAll(async () => {
  nats = await provideNats();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close().catch(() => {})));
  await Promise.all(running.map((g) => g.stop()));
  running = [];
});
afterAll(async () => {
  await nats?.dispose();
});

async function gateway(overrides = {}) {
  const g = await startTestGateway(nats.url, newStreamSpace(), overrides);
  running.push(g);
  return g;
}

async function client(g: GatewayUnderTest, identity: string) {
  const c = await OcppClient.connect(g.url, identity);
  clients.push(c);
  return c;
}

const now = () => new Date().toISOString();

/** A WebSocket upgrade by hand, to see what a strict client library would refuse to show. */
function rawUpgrade(url: string, protocols: string) {
  return new Promise<{ status: number; protocol: string | undefined; closeCode: number }>(
    (resolve, reject) => {
      const request = httpRequest(url.replace(/^ws/, "http"), {
        headers: {
          Connection: "Upgrade",
          Upgrade: "websocket",
          "Sec-WebSocket-Version": "13",
          "Sec-WebSocket-Key": randomBytes(16).toString("base64"),
          "Sec-WebSocket-Protocol": protocols,
        },
      });
      request.on("upgrade", (response, socket, head: Buffer) => {
        const settle = (frame: Buffer) => {
          // A server close frame: opcode 0x8, then the length, then the 2-byte status code.
          resolve({
            status: response.statusCode ?? 0,
            protocol: response.headers["sec-websocket-protocol"],
            closeCode: frame[0] === 0x88 ? frame.readUInt16BE(2) : -1,
          });
          socket.destroy();
        };
        if (head.length > 0) settle(head);
        else socket.once("data", settle);
      });
      request.on("error", reject);
      request.end();
    },
  );
}
const cpEventsOf = (events: LevityEvent[], cpId: string) =>
  events.filter((e): e is CpEvent => isCpEvent(e) && e.cpId === cpId);

const requests: Record<string, unknown> = {
  Authorize: { idTag: "TAG-1" },
  BootNotification: { chargePointVendor: "ACME", chargePointModel: "Fast-50" },
  DataTransfer: { vendorId: "com.acme" },
  DiagnosticsStatusNotification: { status: "Idle" },
  FirmwareStatusNotification: { status: "Idle" },
  Heartbeat: {},
  MeterValues: {
    connectorId: 1,
    meterValue: [
      { timestamp: now(), sampledValue: [{ value: "16", measurand: "Current.Import", unit: "A" }] },
    ],
  },
  StartTransaction: { connectorId: 1, idTag: "TAG-1", meterStart: 0, timestamp: now() },
  StatusNotification: { connectorId: 1, errorCode: "NoError", status: "Available" },
  StopTransaction: { transactionId: 1, meterStop: 10, timestamp: now() },
  SecurityEventNotification: { type: "StartupOfTheDevice", timestamp: now() },
  SignCertificate: { csr: "csr" },
  SignedFirmwareStatusNotification: { status: "Idle" },
  LogStatusNotification: { status: "Idle" },
};

describe("gateway over real WebSockets and NATS", () => {
  it("answers every 1.6 charge-point action with a schema-valid result, after storing its events", async () => {
    const g = await gateway();
    const cp = await client(g, "CP-ALL");
    expect(cp.protocol).toBe("ocpp1.6");
    for (const action of OCPP16_CP_ACTIONS) {
      const frame = await cp.call(action, requests[action], `id-${action}`);
      expect(frame.kind, action).toBe("result");
      if (frame.kind === "result")
        expect(ocpp16Validator.validateResponse(action, frame.payload), action).toBeUndefined();
    }
    const events = cpEventsOf(await readEvents(g.log), "CP-ALL");
    expect(events[0]?.type).toBe("session.opened");
    const byCall = new Map(events.filter((e) => e.callId).map((e) => [e.callId, e.type]));
    expect(byCall.size).toBe(OCPP16_CP_ACTIONS.length);
    expect(byCall.get("id-BootNotification")).toBe("cp.boot");
    expect(byCall.get("id-MeterValues")).toBe("meter.values");
    expect(new Set(events.map((e) => e.sessionId)).size).toBe(1);
  });

  it.each([
    ["an unknown action", '[2,"e1","Teleport",{}]', "NotImplemented"],
    ["a central-system action", '[2,"e2","Reset",{"type":"Hard"}]', "NotSupported"],
    ["invalid JSON with a readable id", '[2,"e3","Heartbeat",{', "FormationViolation"],
    ["a CALL that is not a 4-element array", '[2,"e4","Heartbeat"]', "FormationViolation"],
    [
      "a missing required field",
      '[2,"e5","BootNotification",{"chargePointVendor":"A"}]',
      "OccurenceConstraintViolation",
    ],
    ["a field of the wrong type", '[2,"e6","Authorize",{"idTag":7}]', "TypeConstraintViolation"],
    [
      "a value outside its enum",
      '[2,"e7","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Asleep"}]',
      "PropertyConstraintViolation",
    ],
    [
      "an over-long string",
      `[2,"e8","Authorize",{"idTag":"${"x".repeat(21)}"}]`,
      "PropertyConstraintViolation",
    ],
    ["an unknown field", '[2,"e9","Heartbeat",{"x":1}]', "FormationViolation"],
    ["an id over 36 characters", `[2,"${"i".repeat(37)}","Heartbeat",{}]`, "FormationViolation"],
  ])("answers %s with %s", async (_name, text, code) => {
    const g = await gateway();
    const cp = await client(g, "CP-ERR");
    const id = (
      JSON.parse(text.replace(/,\{$/, "]").replace(/\{"x".*$/, "{}]")) as unknown[]
    )[1] as string;
    const answer = cp.answerTo(id);
    cp.sendRaw(text);
    const frame = await answer;
    expect(frame).toMatchObject({ kind: "error", errorCode: code });
    if (frame.kind === "error") expect(frame.details).toEqual({});
  });

  it("ignores frames it cannot answer and counts them, keeping the session", async () => {
    const g = await gateway();
    const cp = await client(g, "CP-IGN");
    cp.sendRaw("not json");
    cp.sendRaw('[3,"never-sent",{}]');
    cp.sendRaw('[4,"never-sent","GenericError","",{}]');
    expect(await cp.call("Heartbeat", {})).toMatchObject({ kind: "result" });
    const metrics = await g.registry.getSingleMetricAsString("levity_gateway_frames_ignored_total");
    expect(metrics).toContain('reason="unreadable"} 1');
    expect(metrics).toContain('reason="unmatched-response"} 2');
  });

  it("answers calls in order, one at a time", async () => {
    const g = await gateway();
    const cp = await client(g, "CP-ORDER");
    const order: string[] = [];
    const ids = Array.from({ length: 8 }, (_, i) => `o${i}`);
    const answers = ids.map((id) => cp.answerTo(id).then(() => order.push(id)));
    for (const id of ids) cp.sendRaw(JSON.stringify([2, id, "Heartbeat", {}]));
    await Promise.all(answers);
    expect(order).toEqual(ids);
  });

  it("closes a charge point that floods calls, without affecting another", async () => {
    const g = await gateway({ maxQueuedCalls: 3 });
    const flooder = await client(g, "CP-FLOOD");
    const calm = await client(g, "CP-CALM");
    for (let i = 0; i < 50; i++) flooder.sendRaw(JSON.stringify([2, `f${i}`, "Heartbeat", {}]));
    expect((await flooder.closed).code).toBe(1008);
    expect(await calm.call("Heartbeat", {})).toMatchObject({ kind: "result" });
    await eventually(async () => {
      const closed = cpEventsOf(await readEvents(g.log), "CP-FLOOD").find(
        (e) => e.type === "session.closed",
      );
      expect(closed?.payload).toEqual({ reason: "call-flood", code: 1008 });
    });
  });

  it("refuses a bad identity with an HTTP error before the upgrade", async () => {
    const g = await gateway({ maxIdentityLength: 10 });
    for (const url of [
      `${g.url}/`,
      `${g.url}/${"x".repeat(11)}`,
      `${g.url}/CP%0A1`,
      `${g.url}/%E0%A4%A`,
    ]) {
      await expect(OcppClient.connectUrl(url)).rejects.toEqual(new HandshakeRefused(400));
    }
    const rejected = await g.registry.getSingleMetricAsString(
      "levity_gateway_handshakes_rejected_total",
    );
    expect(rejected).toContain('reason="identity-too-long"} 1');
    expect(rejected).toContain('reason="identity-empty"} 1');
    expect(rejected).toContain('reason="identity-invalid"} 2');
  });

  it("completes a handshake without a supported subprotocol, then closes at once", async () => {
    const g = await gateway();
    const upgrade = await rawUpgrade(`${g.url}/CP-PROTO`, "ocpp2.1, ocpp1.5");
    expect(upgrade.status).toBe(101);
    expect(upgrade.protocol).toBeUndefined();
    expect(upgrade.closeCode).toBe(1002);
    const unoffered = await OcppClient.connect(g.url, "CP-PROTO", { protocols: [] });
    expect(unoffered.protocol).toBe("");
    expect((await unoffered.closed).code).toBe(1002);
    expect(cpEventsOf(await readEvents(g.log), "CP-PROTO")).toEqual([]);
    const rejected = await g.registry.getSingleMetricAsString(
      "levity_gateway_handshakes_rejected_total",
    );
    expect(rejected).toContain('reason="subprotocol"} 2');
  });

  it("replaces the session of an identity that connects again", async () => {
    const g = await gateway();
    const first = await client(g, "CP-DUP");
    await first.call("Heartbeat", {});
    const second = await client(g, "CP-DUP");
    expect((await first.closed).code).toBe(1000);
    expect(await second.call("Heartbeat", {})).toMatchObject({ kind: "result" });
    expect(g.gateway.sessions()).toBe(1);
    await eventually(async () => {
      const lifecycle = cpEventsOf(await readEvents(g.log), "CP-DUP")
        .filter((e) => e.type.startsWith("session."))
        .map((e) => [e.type, e.sessionId, e.type === "session.closed" ? e.payload.reason : ""]);
      const [opened1, closed1, opened2] = lifecycle;
      expect(lifecycle).toHaveLength(3);
      expect(opened1?.[0]).toBe("session.opened");
      expect(closed1).toEqual(["session.closed", opened1?.[1], "replaced"]);
      expect(opened2?.[0]).toBe("session.opened");
      expect(opened2?.[1]).not.toBe(opened1?.[1]);
    });
  });

  it("terminates a peer that stops answering pings", async () => {
    const g = await gateway({ pingInterval: 1 });
    const silent = new WebSocket(`${g.url}/CP-SILENT`, ["ocpp1.6"], { autoPong: false });
    const closed = new Promise<number>((resolve) => silent.on("close", resolve));
    await new Promise((resolve) => silent.once("open", resolve));
    const responsive = await client(g, "CP-PONG");
    expect(await closed).toBe(1006);
    expect(await responsive.call("Heartbeat", {})).toMatchObject({ kind: "result" });
    await eventually(async () => {
      const events = cpEventsOf(await readEvents(g.log), "CP-SILENT");
      expect(events.find((e) => e.type === "session.closed")?.payload).toEqual({
        reason: "ping-timeout",
      });
    });
  });

  it("closes a peer that sends binary frames or oversized messages", async () => {
    const g = await gateway({ maxPayload: 2_048 });
    const binary = await client(g, "CP-BIN");
    binary.sendRaw(Buffer.from([2, 0, 1]));
    expect((await binary.closed).code).toBe(1003);
    const big = await client(g, "CP-BIG");
    big.sendRaw(
      JSON.stringify([2, "b", "DataTransfer", { vendorId: "x", data: "y".repeat(4_000) }]),
    );
    expect((await big.closed).code).toBe(1009);
    await eventually(async () => {
      const events = await readEvents(g.log);
      const reasons = ["CP-BIN", "CP-BIG"].map(
        (cp) => cpEventsOf(events, cp).find((e) => e.type === "session.closed")?.payload,
      );
      expect(reasons).toEqual([
        { reason: "protocol-violation", code: 1003 },
        { reason: "protocol-violation", code: 1009 },
      ]);
    });
  });

  it("publishes gateway.alive with its instance and session count", async () => {
    const g = await gateway({ aliveInterval: 1 });
    await client(g, "CP-ALIVE");
    await eventually(async () => {
      const alive = (await readEvents(g.log)).filter((e) => e.type === "gateway.alive");
      expect(alive.at(-1)).toMatchObject({
        gatewayId: "gw-test",
        payload: { instance: g.gateway.instance, sessions: 1 },
      });
    });
  });
});
