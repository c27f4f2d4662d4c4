import { type CpEvent, isCpEvent, type LevityEvent } from "@levity/events";
import { readEvents } from "@levity/events/testing";
import {
  eventually,
  type ProvidedNats,
  provideNats,
  type RpcClient,
  strictRpcClient,
} from "@levity/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { type GatewayUnderTest, newStreamSpace, startTestGateway } from "./gateway-fixture.js";

// A 2.0.1 charging station is a strict ocpp-rpc 2.0.1 client: it refuses any answer that breaks
// the 2.0.1 schemas, so every call it completes was answered as 2.0.1 requires.

let nats: ProvidedNats;
let g: GatewayUnderTest;
const peers: { close(): unknown }[] = [];

beforeAll(async () => {
  nats = await provideNats();
  g = await startTestGateway(nats.url, newStreamSpace());
});
afterEach(async () => {
  await Promise.all(peers.splice(0).map(async (peer) => peer.close()));
});
afterAll(async () => {
  await g?.stop();
  await nats?.dispose();
});

async function station(identity: string, protocols = ["ocpp2.0.1"]): Promise<RpcClient> {
  const client = strictRpcClient(g.url, identity, protocols);
  await client.connect();
  peers.push(client);
  return client;
}

const cpEventsOf = async (cpId: string) =>
  (await readEvents(g.log)).filter(
    (e: LevityEvent): e is CpEvent => isCpEvent(e) && e.cpId === cpId,
  );

const now = () => new Date().toISOString();
const energy = (wh: number, context: string) => [
  {
    timestamp: now(),
    sampledValue: [{ value: wh / 1000, context, unitOfMeasure: { unit: "kWh" } }],
  },
];

/** A raw 2.0.1 socket, to send what a strict client library would never send. */
async function rawSocket(identity: string) {
  const socket = new WebSocket(`${g.url}/${identity}`, ["ocpp2.0.1"]);
  peers.push({ close: () => socket.terminate() });
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  const answers = new Map<string, unknown[]>();
  socket.on("message", (data) => {
    const frame = JSON.parse(String(data)) as unknown[];
    answers.set(String(frame[1]), frame);
  });
  return {
    protocol: socket.protocol,
    send: (text: string) => socket.send(text),
    answerTo: async (id: string) => {
      await eventually(() => expect(answers.has(id)).toBe(true));
      return answers.get(id) as unknown[];
    },
  };
}

describe("a 2.0.1 charging station on the gateway", () => {
  it("gets 2.0.1 when it offers both versions, and its session says so", async () => {
    const cs = await station("CS-NEG", ["ocpp1.6", "ocpp2.0.1"]);
    expect(cs.protocol).toBe("ocpp2.0.1");
    await eventually(async () =>
      expect((await cpEventsOf("CS-NEG"))[0]).toMatchObject({
        type: "session.opened",
        payload: { protocol: "ocpp2.0.1" },
      }),
    );
  });

  it("boots, reports statuses and faults, and charges: each fact stored in the common events", async () => {
    const cs = await station("CS-1");
    expect(
      await cs.call("BootNotification", {
        reason: "PowerUp",
        chargingStation: { vendorName: "ACME", model: "AC-22", firmwareVersion: "3.1" },
      }),
    ).toMatchObject({ status: "Accepted" });
    await cs.call("StatusNotification", {
      timestamp: now(),
      connectorStatus: "Occupied",
      evseId: 2,
      connectorId: 1,
    });
    const transaction = { transactionId: "c0ffee00-0000-4000-8000-000000000001" };
    await cs.call("TransactionEvent", {
      eventType: "Started",
      timestamp: now(),
      triggerReason: "Authorized",
      seqNo: 0,
      transactionInfo: { ...transaction, chargingState: "Charging" },
      evse: { id: 2, connectorId: 1 },
      idToken: { idToken: "TAG-9", type: "ISO14443" },
      meterValue: energy(1_000, "Transaction.Begin"),
    });
    await cs.call("TransactionEvent", {
      eventType: "Updated",
      timestamp: now(),
      triggerReason: "MeterValuePeriodic",
      seqNo: 1,
      transactionInfo: transaction,
      meterValue: [
        {
          timestamp: now(),
          sampledValue: [{ value: 16, measurand: "Current.Import", unitOfMeasure: { unit: "A" } }],
        },
      ],
    });
    await cs.call("NotifyEvent", {
      generatedAt: now(),
      seqNo: 0,
      eventData: [
        {
          eventId: 1,
          timestamp: now(),
          trigger: "Delta",
          actualValue: "true",
          techCode: "GroundFailure",
          eventNotificationType: "HardWiredNotification",
          component: { name: "Connector", evse: { id: 2, connectorId: 1 } },
          variable: { name: "Problem" },
        },
      ],
    });
    await cs.call("TransactionEvent", {
      eventType: "Ended",
      timestamp: now(),
      triggerReason: "EVCommunicationLost",
      seqNo: 2,
      offline: true,
      transactionInfo: { ...transaction, stoppedReason: "EVDisconnected" },
      meterValue: energy(4_500, "Transaction.End"),
    });
    expect(await cs.call("Heartbeat", {})).toHaveProperty("currentTime");
    const events = await cpEventsOf("CS-1");
    expect(events.map((e) => e.type)).toEqual([
      "session.opened",
      "cp.boot",
      "cp.status",
      "tx.started",
      "tx.updated",
      "cp.fault",
      "tx.stopped",
      "cp.heartbeat",
    ]);
    expect(events.find((e) => e.type === "tx.started")?.payload).toMatchObject({
      evseId: 2,
      connectorId: 1,
      transactionId: transaction.transactionId,
      meterStartWh: 1_000,
      seqNo: 0,
    });
    expect(events.find((e) => e.type === "tx.stopped")?.payload).toMatchObject({
      meterStopWh: 4_500,
      offline: true,
      reason: "EVDisconnected",
    });
    expect(events.find((e) => e.type === "cp.fault")?.payload).toMatchObject({
      code: "GroundFailure",
      active: true,
    });
  });

  it.each([
    ["an unknown action", '[2,"e1","Teleport",{}]', "NotImplemented"],
    ["a CSMS action", '[2,"e2","Reset",{"type":"Immediate"}]', "NotSupported"],
    ["a 1.6 action", '[2,"e3","StartTransaction",{}]', "NotImplemented"],
    ["invalid JSON with a readable id", '[2,"e4","Heartbeat",{', "RpcFrameworkError"],
    ["a CALL that is not a 4-element array", '[2,"e5","Heartbeat"]', "RpcFrameworkError"],
    ["a payload that is not an object", '[2,"e6","Heartbeat",[]]', "FormatViolation"],
    ["an unknown message type", '[7,"e7","Heartbeat",{}]', "MessageTypeNotSupported"],
    [
      "a missing required field",
      '[2,"e8","BootNotification",{"reason":"PowerUp"}]',
      "OccurrenceConstraintViolation",
    ],
    [
      "a field of the wrong type",
      '[2,"e9","Heartbeat",{"customData":7}]',
      "TypeConstraintViolation",
    ],
    [
      "a value outside its enum",
      `[2,"e10","StatusNotification",{"timestamp":"${new Date(0).toISOString()}","connectorStatus":"Asleep","evseId":1,"connectorId":1}]`,
      "PropertyConstraintViolation",
    ],
  ])("answers %s with 2.0.1's %s", async (_name, text, code) => {
    const socket = await rawSocket("CS-ERR");
    expect(socket.protocol).toBe("ocpp2.0.1");
    const id = /"(e\d+)"/.exec(text)?.[1] as string;
    socket.send(text);
    expect(await socket.answerTo(id)).toEqual([4, id, code, expect.any(String), {}]);
  });
});
