import { getEventListeners } from "node:events";
import { eventually } from "@levity/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FleetPlan, FleetStats, runFleet } from "../src/index.js";
import { FakeCentralSystem } from "./fake-central-system.js";

let csms: FakeCentralSystem;
beforeAll(async () => {
  csms = await FakeCentralSystem.start();
});
afterAll(async () => {
  await csms.close();
});

describe("a fleet's stop signal", () => {
  // Adding a listener to a signal looks through all of its listeners: one per sleeping timer of
  // every charge point made a 9,000-charge-point simulator spend half its CPU there.
  it("holds one listener per charge point, however many timers they run", async () => {
    const plan: FleetPlan = {
      url: csms.url,
      prefix: "SIGNAL-",
      first: 1,
      count: 20,
      connectors: 3,
      protocol: "ocpp1.6",
      protocolMix: undefined,
      seed: 5,
      rates: {
        rampS: 0,
        idleMeanS: 600,
        chargeMeanS: 60,
        meterIntervalS: 60,
        faultsPerHour: 1,
        rebootsPerHour: 1,
        dropsPerHour: 1,
      },
      callTimeoutMs: 10_000,
      expectedErrors: [],
      password: undefined,
      rejectRate: 0,
      silentRate: 0,
    };
    const stats = new FleetStats();
    const stop = new AbortController();
    const run = runFleet(plan, stats, stop.signal);
    await eventually(() => expect(csms.received.length).toBe(20 * 5));
    expect(getEventListeners(stop.signal, "abort")).toHaveLength(20);
    stop.abort();
    await run;
    expect(stats.connected).toBe(0);
  });
});
