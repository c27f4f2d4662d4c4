import { parseMetricsText, sampleValue } from "@levity/testkit";
import { describe, expect, it } from "vitest";
import { renderProjection } from "../../src/metrics/render-projection.js";
import { CONNECTOR_STATUSES } from "../../src/state/charge-points.js";
import { Scenario } from "./scenario.js";

const A = { cp: "STATUS-A", session: "sa" };
const B = { cp: "STATUS-B", session: "sb" };

async function metricsOf(scenario: Scenario) {
  return parseMetricsText(await renderProjection({ state: scenario.state(), connected: true }));
}

describe("connector status", () => {
  it("is a state set: 1 for the current status, 0 for every other of the fixed set", async () => {
    const scenario = new Scenario()
      .open(A)
      .boot(A)
      .status(A, 1, "Preparing")
      .status(A, 1, "Charging");
    const metrics = await metricsOf(scenario);
    for (const status of CONNECTOR_STATUSES) {
      expect(
        sampleValue(metrics, "ocpp_connector_status", {
          cp_id: "STATUS-A",
          connector_id: "1",
          status,
        }),
        status,
      ).toBe(status === "Charging" ? 1 : 0);
    }
  });

  it("keeps when a connector entered its status while it repeats it, and moves on a change", async () => {
    const scenario = new Scenario().open(A).status(A, 1, "Unavailable");
    const entered = scenario.now;
    scenario.heartbeat(A).status(A, 1, "Unavailable");
    const since = async () =>
      sampleValue(await metricsOf(scenario), "ocpp_connector_status_since_ts", {
        cp_id: "STATUS-A",
        connector_id: "1",
      });
    expect(await since()).toBe(entered / 1000);
    scenario.status(A, 1, "Available");
    expect(await since()).toBe(scenario.now / 1000);
  });

  it("keeps the status through a transaction's start and stop, and ignores a status outside the set", async () => {
    const scenario = new Scenario()
      .open(A)
      .status(A, 1, "Charging")
      .start(A, 1, "7")
      .stop(A, "7")
      .status(A, 1, "Sleeping");
    const metrics = await metricsOf(scenario);
    expect(
      sampleValue(metrics, "ocpp_connector_status", {
        cp_id: "STATUS-A",
        connector_id: "1",
        status: "Charging",
      }),
    ).toBe(1);
  });

  it("rolls connectors up by status and charge points by protocol, vendor and firmware", async () => {
    const scenario = new Scenario()
      .open(A)
      .boot(A, "1.0")
      .status(A, 1, "Available")
      .status(A, 2, "Faulted", "GroundFailure")
      .open(B)
      .boot(B, "1.0")
      .status(B, 1, "Available");
    const metrics = await metricsOf(scenario);
    expect(sampleValue(metrics, "ocpp_connectors_by_status", { status: "Available" })).toBe(2);
    expect(sampleValue(metrics, "ocpp_connectors_by_status", { status: "Faulted" })).toBe(1);
    expect(sampleValue(metrics, "ocpp_connectors_by_status", { status: "Occupied" })).toBe(0);
    expect(
      sampleValue(metrics, "ocpp_charge_points", {
        protocol: "ocpp1.6",
        vendor: "ACME",
        firmware: "1.0",
      }),
    ).toBe(2);
  });
});
