import type { LevityEvent } from "@levity/events";
import { commandEvent, cpEvent } from "@levity/events/testing";
import { parseMetricsText, sampleValue } from "@levity/testkit";
import { describe, expect, it } from "vitest";
import { renderProjection } from "../../src/metrics/render-projection.js";
import { evolve } from "../../src/state/evolve.js";
import { EMPTY_STATE } from "../../src/state/projection-state.js";

// An Unavailable connector an operator asked for is maintenance: the projection remembers the
// ChangeAvailability commands a charger took, so the ConnectorUnavailable alert can tell them apart.

const CP = "AVAIL-1";
const T = 1_700_000_000_000;
let clock = T;
let commands = 0;

const status = (evseId: number, value: string): LevityEvent => {
  clock += 1_000;
  return cpEvent(
    "cp.status",
    { evseId, connectorId: 1, status: value, timestamp: clock },
    { cpId: CP, sessionId: "s1", gatewayId: "gw-a", ts: clock },
  );
};

/** A ChangeAvailability requested and answered `answer`: its two events. */
function changeAvailability(
  request: Record<string, unknown>,
  answer: string,
  outcome: "completed" | "failed" = "completed",
): LevityEvent[] {
  commands += 1;
  const commandId = `cmd-${commands}`;
  const context = { cpId: CP, commandId };
  clock += 1_000;
  const requestedAt = clock;
  const asked = commandEvent(
    "command.requested",
    { action: "ChangeAvailability", request, requestedBy: "ops", deadline: clock + 30_000 },
    { ...context, ts: clock },
  );
  clock += 100;
  const answered =
    outcome === "completed"
      ? commandEvent(
          "command.completed",
          {
            action: "ChangeAvailability",
            requestedAt,
            requestedBy: "ops",
            response: { status: answer },
          },
          { ...context, ts: clock },
        )
      : commandEvent(
          "command.failed",
          { action: "ChangeAvailability", requestedAt, requestedBy: "ops", reason: "timed-out" },
          { ...context, ts: clock },
        );
  return [asked, answered];
}

async function plannedOf(events: readonly LevityEvent[]) {
  const state = events.reduce(evolve, EMPTY_STATE);
  const metrics = parseMetricsText(await renderProjection({ state, connected: true }));
  return (connector: string) =>
    sampleValue(metrics, "ocpp_connector_inoperative_planned", {
      cp_id: CP,
      connector_id: connector,
    });
}

describe("planned availability, from the ChangeAvailability commands a charger took", () => {
  it("marks a 1.6 connector Inoperative when the charger accepts, and clears it on Operative", async () => {
    const base = [status(1, "Available"), status(2, "Available")];
    const inoperative = changeAvailability({ connectorId: 2, type: "Inoperative" }, "Accepted");
    const unavailable = [status(2, "Unavailable")];
    const planned = await plannedOf([...base, ...inoperative, ...unavailable]);
    expect(planned("2")).toBe(1);
    expect(planned("1")).toBe(0);
    const operative = changeAvailability({ connectorId: 2, type: "Operative" }, "Accepted");
    expect((await plannedOf([...base, ...inoperative, ...unavailable, ...operative]))("2")).toBe(0);
  });

  it("counts a Scheduled answer (after the transaction) as planned, a Rejected or unanswered one not", async () => {
    const base = [status(1, "Charging")];
    expect(
      (
        await plannedOf([
          ...base,
          ...changeAvailability({ connectorId: 1, type: "Inoperative" }, "Scheduled"),
        ])
      )("1"),
    ).toBe(1);
    expect(
      (
        await plannedOf([
          ...base,
          ...changeAvailability({ connectorId: 1, type: "Inoperative" }, "Rejected"),
        ])
      )("1"),
    ).toBe(0);
    expect(
      (
        await plannedOf([
          ...base,
          ...changeAvailability({ connectorId: 1, type: "Inoperative" }, "", "failed"),
        ])
      )("1"),
    ).toBe(0);
  });

  it("applies a whole-charge-point change (1.6 connector 0, 2.0.1 without evse) to every connector, even one seen later", async () => {
    const whole16 = await plannedOf([
      status(1, "Available"),
      ...changeAvailability({ connectorId: 0, type: "Inoperative" }, "Accepted"),
      status(1, "Unavailable"),
      status(2, "Unavailable"),
    ]);
    expect([whole16("1"), whole16("2")]).toEqual([1, 1]);
  });

  it("holds the charge point's and each EVSE's availability apart, as OCPP does: either Inoperative plans the connector", async () => {
    // The station Inoperative, then EVSE 1 Operative: EVSE 1 stays out of service with its station.
    const stationOff = await plannedOf([
      status(1, "Available"),
      status(2, "Available"),
      ...changeAvailability({ operationalStatus: "Inoperative" }, "Accepted"),
      ...changeAvailability({ operationalStatus: "Operative", evse: { id: 1 } }, "Accepted"),
      status(1, "Unavailable"),
      status(2, "Unavailable"),
    ]);
    expect([stationOff("1"), stationOff("2")]).toEqual([1, 1]);
    // EVSE 1 Inoperative on its own, then the station Operative: EVSE 1 stays out, EVSE 2 is back.
    const evseOff = await plannedOf([
      status(1, "Available"),
      status(2, "Available"),
      ...changeAvailability({ connectorId: 1, type: "Inoperative" }, "Accepted"),
      ...changeAvailability({ connectorId: 0, type: "Inoperative" }, "Accepted"),
      ...changeAvailability({ connectorId: 0, type: "Operative" }, "Accepted"),
    ]);
    expect([evseOff("1"), evseOff("2")]).toEqual([1, 0]);
  });

  it("ends a plan when the connector is seen in service again (re-enabled another way), but not during a Scheduled change's transaction", async () => {
    const reenabled = await plannedOf([
      status(1, "Available"),
      status(2, "Available"),
      ...changeAvailability({ connectorId: 0, type: "Inoperative" }, "Accepted"),
      ...changeAvailability({ connectorId: 2, type: "Inoperative" }, "Accepted"),
      status(1, "Unavailable"),
      status(2, "Unavailable"),
      // A local reset brings connector 2 back: both plans that covered it are over.
      status(2, "Available"),
    ]);
    expect([reenabled("1"), reenabled("2")]).toEqual([0, 0]);
    const scheduled = await plannedOf([
      status(1, "Charging"),
      ...changeAvailability({ connectorId: 1, type: "Inoperative" }, "Scheduled"),
      status(1, "Finishing"),
      status(1, "Unavailable"),
    ]);
    expect(scheduled("1")).toBe(1);
  });

  it("plans nothing for an EVSE the charge point never reported: no connector is invented", async () => {
    const state = [
      status(1, "Available"),
      ...changeAvailability({ connectorId: 7, type: "Inoperative" }, "Accepted"),
    ].reduce(evolve, EMPTY_STATE);
    expect(Object.keys(state.cps.get(CP)?.connectors ?? {})).toEqual(["1"]);
  });

  it("ignores an answer whose request it never saw, and other actions", async () => {
    const [, answered] = changeAvailability({ connectorId: 1, type: "Inoperative" }, "Accepted");
    const planned = await plannedOf([status(1, "Unavailable"), answered as LevityEvent]);
    expect(planned("1")).toBe(0);
  });
});
