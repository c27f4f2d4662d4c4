import { eventually } from "@levity/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FakeCentralSystem } from "./fake-central-system.js";
import { brief, onConnection, play, scenarioOf } from "./scenario-harness.js";

// Generous: these bound a hung test, they are not performance assertions.
const WAIT = { timeoutMs: 30_000 };

let csms: FakeCentralSystem;
beforeAll(async () => {
  csms = await FakeCentralSystem.start();
});
afterEach(() => {
  expect(csms.invalid).toEqual([]);
});
afterAll(async () => {
  await csms.close();
});

describe("a scenario's charge point whose connection is lost reconnects by itself", () => {
  it("when the central system cuts it off: no boot, each connector as it is, then its next steps", async () => {
    // The Heartbeat is left unanswered, so the connection is cut while that step waits.
    const heartbeat = csms.hold("CUT-1", "Heartbeat");
    const run = play(csms, {
      chargePoints: [
        {
          id: "CUT-1",
          connectors: 2,
          steps: [
            "connect",
            "boot",
            { status: { connector: 1, status: "Available" } },
            { fault: { connector: 2, errorCode: "GroundFailure" } },
            "heartbeat",
            { wait: "1s" },
            "heartbeat",
            { wait: "60s" },
          ],
        },
      ],
    });
    await heartbeat;
    csms.cutOff("CUT-1");
    await eventually(
      () =>
        expect(onConnection(csms, "CUT-1", 2)).toEqual([
          "StatusNotification 0 Available",
          "StatusNotification 1 Available",
          "StatusNotification 2 Faulted",
          "Heartbeat",
        ]),
      WAIT,
    );
    expect(csms.calls("CUT-1", "StatusNotification").at(-1)?.payload).toMatchObject({
      connectorId: 2,
      errorCode: "GroundFailure",
    });
    await run.end();
    expect(onConnection(csms, "CUT-1", 1)).toEqual([
      "BootNotification",
      "StatusNotification 1 Available",
      "StatusNotification 2 Faulted",
      "Heartbeat",
    ]);
    expect(csms.connections("CUT-1")).toBe(2);
    expect(run.stats.reconnects).toBe(1);
    expect(run.stats.misbehaved).toBe(0);
  });

  it("in 2.0.1, when the central system goes down and comes back on the same port", async () => {
    const server = await FakeCentralSystem.start();
    const heartbeat = server.hold("DOWN-201", "Heartbeat");
    const run = play(
      server,
      scenarioOf("DOWN-201", "heartbeat", { wait: "1s" }, "heartbeat", { wait: "60s" }),
      "ocpp2.0.1",
    );
    await heartbeat;
    await server.close();
    // It tried while the central system was down, and tries on.
    await eventually(() => expect(run.stats.connectFailures).toBeGreaterThan(0), WAIT);
    await server.restart();
    await eventually(
      () =>
        expect(onConnection(server, "DOWN-201", 2)).toEqual([
          "StatusNotification 1 Available",
          "Heartbeat",
        ]),
      WAIT,
    );
    await run.end();
    await server.close();
    expect(server.calls("DOWN-201", "BootNotification")).toHaveLength(1);
    expect(server.invalid).toEqual([]);
    expect(run.stats.reconnects).toBe(1);
  });

  it("keeps charging: the transaction's readings and its stop go on the new connection", async () => {
    const heartbeat = csms.hold("CHARGE-1", "Heartbeat");
    const run = play(
      csms,
      scenarioOf(
        "CHARGE-1",
        "heartbeat",
        { meter: { connector: 1, count: 2, every: "500ms" } },
        { stop: { connector: 1, reason: "EVDisconnected" } },
        { status: { connector: 1, status: "Available" } },
        { wait: "60s" },
      ),
    );
    await heartbeat;
    expect(
      await csms.command("CHARGE-1", "RemoteStartTransaction", { connectorId: 1, idTag: "TAG-3" }),
    ).toEqual({ status: "Accepted" });
    await eventually(
      () => expect(onConnection(csms, "CHARGE-1", 1)).toContain("StatusNotification 1 Charging"),
      WAIT,
    );
    expect(
      await csms.command("CHARGE-1", "TriggerMessage", { requestedMessage: "MeterValues" }),
    ).toEqual({ status: "Accepted" });
    await eventually(() => expect(csms.calls("CHARGE-1", "MeterValues")).toHaveLength(1), WAIT);
    const transactionId = csms.calls("CHARGE-1", "MeterValues")[0]?.payload.transactionId;
    expect(transactionId).toEqual(expect.any(Number));

    csms.cutOff("CHARGE-1");
    await eventually(
      () =>
        expect(onConnection(csms, "CHARGE-1", 2)).toEqual([
          "StatusNotification 0 Available",
          "StatusNotification 1 Charging",
          "MeterValues",
          "MeterValues",
          "StopTransaction",
          "StatusNotification 1 Available",
        ]),
      WAIT,
    );
    const second = csms.calls("CHARGE-1").filter((call) => call.connection === 2);
    expect(
      second
        .filter((call) => call.action !== "StatusNotification")
        .map((call) => call.payload.transactionId),
    ).toEqual([transactionId, transactionId, transactionId]);
    expect(csms.calls("CHARGE-1", "StartTransaction")).toHaveLength(1);
    await run.end();
    expect(run.stats.misbehaved).toBe(0);
  });

  it("but not after a scripted drop: that one's later connect step brings it back", async () => {
    const run = play(
      csms,
      scenarioOf("DROP-1", "drop", "heartbeat", "connect", "heartbeat", "disconnect"),
    );
    await eventually(() => expect(onConnection(csms, "DROP-1", 2)).toEqual(["Heartbeat"]), WAIT);
    await run.end();
    expect(csms.calls("DROP-1").map(brief)).toEqual([
      "BootNotification",
      "StatusNotification 1 Available",
      "Heartbeat",
    ]);
    expect(csms.connections("DROP-1")).toBe(2);
    expect(run.stats.reconnects).toBe(0);
  });
});
