import { ocpp201Validator } from "@levity/ocpp";
import { eventually, StrictRpcServer } from "@levity/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { liveChargePoint } from "../src/behaviour/charge-point-life.js";
import {
  FleetStats,
  loadScenario,
  runScenario,
  SeededRandom,
  SimulatedChargePoint,
} from "../src/index.js";
import { simulationContext } from "./scenario-harness.js";

let server: StrictRpcServer;
beforeAll(async () => {
  server = await StrictRpcServer.start(["ocpp2.0.1"]);
});
afterEach(() => {
  // Every call the stations sent passed ocpp-rpc's strict schema checks, and ours.
  expect(server.strictFailures).toEqual([]);
  for (const call of server.received)
    expect(ocpp201Validator.validateRequest(call.method, call.params), call.method).toBeUndefined();
});
afterAll(async () => {
  await server.close();
});

const context = (stats: FleetStats, now?: () => number) =>
  simulationContext(server.url, stats, now);

function station(id: string, stats: FleetStats, now?: () => number): SimulatedChargePoint {
  const profile = { id, connectors: 2, vendor: "Levity", model: "Sim-22", firmware: "1.0.0" };
  return new SimulatedChargePoint(
    profile,
    context(stats, now),
    new SeededRandom(1),
    60,
    "ocpp2.0.1",
  );
}

type Event = Record<string, unknown> & { transactionInfo: Record<string, unknown> };
const events = (id: string) => server.calls(id, "TransactionEvent") as Event[];

describe("a simulated 2.0.1 charging station, against a strict ocpp-rpc server", () => {
  it("boots, reports its EVSEs, charges with TransactionEvents, and faults with NotifyEvent", async () => {
    const stats = new FleetStats();
    const cp = station("CS-FLOW", stats);
    expect(await cp.connect()).toBe(true);
    expect(server.client("CS-FLOW").protocol).toBe("ocpp2.0.1");
    expect((await cp.boot()).kind).toBe("result");
    await cp.status(1, "Available", { evenIfUnchanged: true });
    await cp.status(1, "Preparing");
    await cp.startTransaction(1, "TAG-1", 16);
    // Still Occupied: 2.0.1 says nothing of an unchanged status.
    await cp.status(1, "Charging");
    await cp.meterValues(1);
    await cp.meterValues(1);
    await cp.stopTransaction(1, "Local");
    await cp.status(1, "Available");
    await cp.fault(2, "GroundFailure");
    await cp.clearFault(2, "Available");
    await cp.disconnect();

    expect(server.calls("CS-FLOW", "BootNotification")).toEqual([
      {
        reason: "PowerUp",
        chargingStation: {
          vendorName: "Levity",
          model: "Sim-22",
          serialNumber: "CS-FLOW",
          firmwareVersion: "1.0.0",
        },
      },
    ]);
    const statuses = server
      .calls("CS-FLOW", "StatusNotification")
      .map((s) => `${s.evseId}/${s.connectorId} ${s.connectorStatus}`);
    expect(statuses).toEqual([
      "1/1 Available",
      "1/1 Occupied",
      "1/1 Available",
      "2/1 Faulted",
      "2/1 Available",
    ]);

    const transaction = events("CS-FLOW");
    expect(transaction.map((e) => [e.eventType, e.seqNo, e.triggerReason])).toEqual([
      ["Started", 0, "Authorized"],
      ["Updated", 1, "MeterValuePeriodic"],
      ["Updated", 2, "MeterValuePeriodic"],
      ["Ended", 3, "StopAuthorized"],
    ]);
    expect(transaction.map((e) => e.evse)).toEqual([
      { id: 1, connectorId: 1 },
      undefined,
      undefined,
      undefined,
    ]);
    const [started, updated, , ended] = transaction;
    const transactionId = started?.transactionInfo.transactionId;
    expect(typeof transactionId === "string" && transactionId.length <= 36).toBe(true);
    for (const event of transaction)
      expect(event.transactionInfo.transactionId).toBe(transactionId);
    expect(started).toMatchObject({
      idToken: { idToken: "TAG-1", type: "ISO14443" },
      transactionInfo: { chargingState: "Charging" },
      meterValue: [
        {
          sampledValue: [
            { measurand: "Energy.Active.Import.Register", context: "Transaction.Begin" },
          ],
        },
      ],
    });
    const readings = (updated?.meterValue ?? []) as { sampledValue: { measurand: string }[] }[];
    const measurands = readings[0]?.sampledValue.map((s) => s.measurand);
    expect(new Set(measurands)).toEqual(
      new Set(["Energy.Active.Import.Register", "Power.Active.Import", "Current.Import"]),
    );
    expect(ended).toMatchObject({
      transactionInfo: { stoppedReason: "Local" },
      meterValue: [{ sampledValue: [{ context: "Transaction.End" }] }],
    });
    expect(transaction.some((e) => "offline" in e)).toBe(false);

    const [raised, cleared] = server.calls("CS-FLOW", "NotifyEvent");
    expect(raised).toMatchObject({
      seqNo: 0,
      tbc: false,
      eventData: [
        {
          trigger: "Delta",
          actualValue: "true",
          techCode: "GroundFailure",
          eventNotificationType: "HardWiredNotification",
          component: { name: "Connector", evse: { id: 2, connectorId: 1 } },
          variable: { name: "Problem" },
        },
      ],
    });
    const raisedId = ((raised?.eventData ?? []) as { eventId: number }[])[0]?.eventId;
    expect(cleared).toMatchObject({
      eventData: [{ actualValue: "false", cleared: true, cause: raisedId }],
    });
    expect(stats.callsByProtocol).toEqual({ "ocpp2.0.1": stats.totalCalls });
    expect(stats.misbehaved).toBe(0);
  });

  it("keeps TransactionEvents while offline and sends them in order, marked offline, once back", async () => {
    let clock = Date.parse("2030-01-01T10:00:00Z");
    const cp = station("CS-OFFLINE", new FleetStats(), () => clock);
    await cp.connect();
    await cp.boot();
    await cp.startTransaction(1, "TAG-2", 16);
    await cp.drop();
    const offlineTimes: string[] = [];
    for (const step of ["meter", "meter", "stop"]) {
      clock += 60_000;
      offlineTimes.push(new Date(clock).toISOString());
      if (step === "meter") expect((await cp.meterValues(1))?.kind).toBe("queued");
      else expect((await cp.stopTransaction(1, "EVDisconnected"))?.kind).toBe("queued");
    }
    expect(cp.queuedMessages).toBe(3);
    expect(events("CS-OFFLINE")).toHaveLength(1);

    clock += 60_000;
    await cp.connect();
    await cp.heartbeat();
    await cp.disconnect();

    expect(cp.queuedMessages).toBe(0);
    const sent = events("CS-OFFLINE");
    expect(sent.map((e) => [e.eventType, e.seqNo, e.offline, e.timestamp])).toEqual([
      ["Started", 0, undefined, "2030-01-01T10:00:00.000Z"],
      ["Updated", 1, true, offlineTimes[0]],
      ["Updated", 2, true, offlineTimes[1]],
      ["Ended", 3, true, offlineTimes[2]],
    ]);
    expect(sent[3]).toMatchObject({
      triggerReason: "EVCommunicationLost",
      transactionInfo: { stoppedReason: "EVDisconnected" },
    });
    // The queue went first: the Heartbeat that found the connection back came after it.
    const order = server.received
      .filter((call) => call.identity === "CS-OFFLINE")
      .map((call) => call.method);
    expect(order.slice(-4)).toEqual([
      "TransactionEvent",
      "TransactionEvent",
      "TransactionEvent",
      "Heartbeat",
    ]);
  });

  it("obeys the CSMS's commands as firmware does", async () => {
    const stats = new FleetStats();
    const cp = station("CS-COMMANDS", stats);
    const stop = new AbortController();
    const quiet = {
      rampS: 0,
      idleMeanS: 1e9,
      chargeMeanS: 1e9,
      meterIntervalS: 3600,
      faultsPerHour: 0,
      rebootsPerHour: 0,
      dropsPerHour: 0,
    };
    const life = liveChargePoint(cp, quiet, new SeededRandom(2), stats, stop.signal);
    await eventually(() =>
      expect(server.calls("CS-COMMANDS", "StatusNotification")).toHaveLength(2),
    );
    const csms = server.client("CS-COMMANDS");

    expect(
      await csms.call("RequestStartTransaction", {
        idToken: { idToken: "REMOTE-1", type: "Central" },
        remoteStartId: 42,
        evseId: 2,
      }),
    ).toEqual({ status: "Accepted" });
    const started = await eventually(() => {
      const [event] = events("CS-COMMANDS");
      expect(event).toBeDefined();
      return event as Event;
    });
    expect(started).toMatchObject({
      eventType: "Started",
      triggerReason: "RemoteStart",
      evse: { id: 2, connectorId: 1 },
      idToken: { idToken: "REMOTE-1" },
      transactionInfo: { remoteStartId: 42 },
    });

    expect(
      await csms.call("GetVariables", {
        getVariableData: [
          { component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" } },
        ],
      }),
    ).toMatchObject({
      getVariableResult: [{ attributeStatus: "Accepted", attributeValue: "300" }],
    });
    expect(
      await csms.call("SetVariables", {
        setVariableData: [
          {
            component: { name: "OCPPCommCtrlr" },
            variable: { name: "HeartbeatInterval" },
            attributeValue: "77",
          },
        ],
      }),
    ).toMatchObject({ setVariableResult: [{ attributeStatus: "Accepted" }] });
    expect(cp.heartbeatIntervalS).toBe(77);

    expect(await csms.call("TriggerMessage", { requestedMessage: "Heartbeat" })).toEqual({
      status: "Accepted",
    });
    await eventually(() => expect(server.calls("CS-COMMANDS", "Heartbeat")).toHaveLength(1));
    expect(await csms.call("GetBaseReport", { requestId: 5, reportBase: "FullInventory" })).toEqual(
      { status: "Accepted" },
    );
    await eventually(() =>
      expect(server.calls("CS-COMMANDS", "NotifyReport")).toMatchObject([{ requestId: 5 }]),
    );
    expect(await csms.call("DataTransfer", { vendorId: "Nobody" })).toEqual({
      status: "UnknownVendorId",
    });
    expect(await csms.call("GetDisplayMessages", { requestId: 1 })).toEqual({ status: "Unknown" });

    expect(
      await csms.call("RequestStopTransaction", {
        transactionId: started.transactionInfo.transactionId,
      }),
    ).toEqual({ status: "Accepted" });
    await eventually(() =>
      expect(events("CS-COMMANDS").at(-1)).toMatchObject({
        eventType: "Ended",
        triggerReason: "RemoteStop",
        transactionInfo: { stoppedReason: "Remote" },
      }),
    );

    expect(await csms.call("Reset", { type: "Immediate" })).toEqual({ status: "Accepted" });
    await eventually(() =>
      expect(server.calls("CS-COMMANDS", "BootNotification").map((b) => b.reason)).toEqual([
        "PowerUp",
        "RemoteReset",
      ]),
    );
    stop.abort();
    await life;
    expect(stats.misbehaved).toBe(0);
  });

  it("plays the shipped scenario in 2.0.1", async () => {
    const loaded = await loadScenario(
      new URL("../scenarios/reboot-during-charge.yaml", import.meta.url).pathname,
    );
    if (!loaded.ok) throw new Error(loaded.error);
    const stats = new FleetStats();
    await runScenario(loaded.scenario, context(stats), 1, new AbortController().signal, {
      protocol: "ocpp2.0.1",
      protocolMix: undefined,
    });
    expect(server.calls("DEMO-REBOOT", "BootNotification")).toHaveLength(2);
    expect(events("DEMO-DROP").map((e) => e.eventType)).toEqual([
      "Started",
      "Updated",
      "Updated",
      "Updated",
      "Updated",
      "Ended",
    ]);
    expect(server.calls("DEMO-DROP", "NotifyEvent")).toMatchObject([
      { eventData: [{ techCode: "GroundFailure", actualValue: "true" }] },
    ]);
    expect(stats.misbehaved).toBe(0);
  });
});
