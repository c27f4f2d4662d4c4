import { fileURLToPath } from "node:url";
import { eventually } from "@levity/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadScenario } from "../src/index.js";
import { FakeCentralSystem } from "./fake-central-system.js";
import { brief, onConnection, play, scenarioOf } from "./scenario-harness.js";

// Generous: these bound a hung test, they are not performance assertions.
const WAIT = { timeoutMs: 30_000 };
const RUN_MS = 90_000;

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

/** Resolves once the charge point reported this status of a connector. */
const reported = (id: string, connector: number, status: string) =>
  eventually(
    () => expect(csms.calls(id).map(brief)).toContain(`StatusNotification ${connector} ${status}`),
    WAIT,
  );

describe("a scenario's charge point obeys the central system's commands", () => {
  it(
    "plays automations.yaml: remote-started, reset out of a fault, set Inoperative after a reboot loop",
    async () => {
      const path = fileURLToPath(new URL("../scenarios/automations.yaml", import.meta.url));
      const loaded = await loadScenario(path);
      if (!loaded.ok) throw new Error(loaded.error);
      const run = play(csms, loaded.scenario);

      await reported("FREEVEND-1", 1, "Preparing");
      expect(
        await csms.command("FREEVEND-1", "RemoteStartTransaction", {
          connectorId: 1,
          idTag: "FREEVEND",
        }),
      ).toEqual({ status: "Accepted" });
      await reported("FREEVEND-1", 1, "Charging");
      expect(csms.calls("FREEVEND-1", "StatusNotification").map(brief)).toEqual([
        "StatusNotification 1 Available",
        "StatusNotification 1 Preparing",
        "StatusNotification 1 Charging",
      ]);
      expect(csms.calls("FREEVEND-1", "StartTransaction").map((c) => c.payload)).toMatchObject([
        { connectorId: 1, idTag: "FREEVEND" },
      ]);

      await eventually(
        () =>
          expect(csms.calls("FAULTY-1", "StatusNotification").at(-1)?.payload).toMatchObject({
            connectorId: 1,
            status: "Faulted",
            errorCode: "GroundFailure",
          }),
        WAIT,
      );
      expect(await csms.command("FAULTY-1", "Reset", { type: "Soft" })).toEqual({
        status: "Accepted",
      });
      await eventually(
        () =>
          expect(onConnection(csms, "FAULTY-1", 2)).toEqual([
            "BootNotification",
            "StatusNotification 0 Available",
            "StatusNotification 1 Available",
          ]),
        WAIT,
      );

      await eventually(
        () => expect(csms.calls("LOOPY-1", "BootNotification")).toHaveLength(6),
        WAIT,
      );
      expect(
        await csms.command("LOOPY-1", "ChangeAvailability", {
          connectorId: 0,
          type: "Inoperative",
        }),
      ).toEqual({ status: "Accepted" });
      await reported("LOOPY-1", 1, "Unavailable");
      expect(csms.connections("LOOPY-1")).toBe(6);

      await run.end();
      expect(csms.calls("PLAIN-1").map(brief)).toEqual([
        "BootNotification",
        "StatusNotification 1 Available",
      ]);
      expect(run.stats.misbehaved).toBe(0);
    },
    RUN_MS,
  );

  it("goes on with its steps once a reset brought it back, and sends none while it was away", async () => {
    const heartbeat = csms.hold("RESUME-1", "Heartbeat");
    const run = play(
      csms,
      scenarioOf(
        "RESUME-1",
        { fault: { connector: 1, errorCode: "HighTemperature" } },
        // Left unanswered until the reset closes the connection under it.
        "heartbeat",
        "heartbeat",
        { wait: "60s" },
      ),
    );
    await heartbeat;
    expect(await csms.command("RESUME-1", "Reset", { type: "Soft" })).toEqual({
      status: "Accepted",
    });
    await eventually(
      () =>
        expect(onConnection(csms, "RESUME-1", 2)).toEqual([
          "BootNotification",
          "StatusNotification 0 Available",
          "StatusNotification 1 Available",
          "Heartbeat",
        ]),
      WAIT,
    );
    await run.end();
    expect(onConnection(csms, "RESUME-1", 1)).toEqual([
      "BootNotification",
      "StatusNotification 1 Available",
      "StatusNotification 1 Faulted",
      "Heartbeat",
    ]);
  });

  it("charges when remote-started, sends what is triggered, and stops the transaction after a hard reset", async () => {
    const run = play(csms, scenarioOf("HARD-1", { wait: "60s" }));
    await reported("HARD-1", 1, "Available");
    expect(
      await csms.command("HARD-1", "RemoteStartTransaction", { connectorId: 1, idTag: "TAG-9" }),
    ).toEqual({ status: "Accepted" });
    await reported("HARD-1", 1, "Charging");
    expect(
      await csms.command("HARD-1", "TriggerMessage", { requestedMessage: "MeterValues" }),
    ).toEqual({ status: "Accepted" });
    await eventually(() => expect(csms.calls("HARD-1", "MeterValues")).toHaveLength(1), WAIT);
    const [started] = csms.calls("HARD-1", "StartTransaction");
    expect(started?.payload).toMatchObject({ connectorId: 1, idTag: "TAG-9" });

    expect(await csms.command("HARD-1", "Reset", { type: "Hard" })).toEqual({ status: "Accepted" });
    await eventually(
      () =>
        expect(onConnection(csms, "HARD-1", 2)).toEqual([
          "BootNotification",
          "StopTransaction",
          "StatusNotification 0 Available",
          "StatusNotification 1 Available",
        ]),
      WAIT,
    );
    expect(csms.calls("HARD-1", "StopTransaction")[0]?.payload).toMatchObject({
      reason: "HardReset",
    });
    await run.end();
    expect(run.stats.misbehaved).toBe(0);
  });

  it("in 2.0.1: starts with the remoteStartId, reboots with reason RemoteReset, and turns Unavailable", async () => {
    const run = play(csms, scenarioOf("CS-201", { wait: "60s" }), "ocpp2.0.1");
    await reported("CS-201", 1, "Available");
    expect(
      await csms.command("CS-201", "RequestStartTransaction", {
        idToken: { idToken: "REMOTE-7", type: "Central" },
        remoteStartId: 7,
        evseId: 1,
      }),
    ).toEqual({ status: "Accepted" });
    await eventually(
      () =>
        expect(csms.calls("CS-201", "TransactionEvent")[0]?.payload).toMatchObject({
          eventType: "Started",
          triggerReason: "RemoteStart",
          transactionInfo: { remoteStartId: 7 },
        }),
      WAIT,
    );
    // Preparing and Charging are both Occupied in 2.0.1.
    await reported("CS-201", 1, "Occupied");

    expect(await csms.command("CS-201", "Reset", { type: "Immediate" })).toEqual({
      status: "Accepted",
    });
    await eventually(
      () =>
        expect(onConnection(csms, "CS-201", 2)).toEqual([
          "BootNotification",
          "StatusNotification 1 Available",
        ]),
      WAIT,
    );
    expect(csms.calls("CS-201", "BootNotification").map((c) => c.payload.reason)).toEqual([
      "PowerUp",
      "RemoteReset",
    ]);
    expect(csms.calls("CS-201", "TransactionEvent").map(brief)).toEqual([
      "TransactionEvent Started",
      "TransactionEvent Ended",
    ]);

    expect(
      await csms.command("CS-201", "ChangeAvailability", {
        operationalStatus: "Inoperative",
        evse: { id: 1 },
      }),
    ).toEqual({ status: "Accepted" });
    await reported("CS-201", 1, "Unavailable");
    await run.end();
    expect(run.stats.misbehaved).toBe(0);
  });
});
