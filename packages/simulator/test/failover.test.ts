import { eventually } from "@levity/testkit";
import { afterEach, describe, expect, it } from "vitest";
import {
  type FleetPlan,
  FleetStats,
  runFleet,
  SeededRandom,
  SimulatedChargePoint,
} from "../src/index.js";
import { FakeCentralSystem } from "./fake-central-system.js";
import { simulationContext } from "./scenario-harness.js";

// Generous: these bound a hung test, they are not performance assertions.
const WAIT = { timeoutMs: 30_000 };

let systems: FakeCentralSystem[] = [];
// Closing a central system a test already closed is harmless.
afterEach(async () => {
  for (const system of systems) {
    expect(system.invalid).toEqual([]);
    await system.close();
  }
  systems = [];
});

/** Two central systems, A and B, and their failover list "A,B". */
async function twoCentralSystems(): Promise<[FakeCentralSystem, FakeCentralSystem, string]> {
  const [a, b] = [await FakeCentralSystem.start(), await FakeCentralSystem.start()];
  systems = [a, b];
  return [a, b, `${a.url},${b.url}`];
}

function chargePoint(id: string, url: string, stats: FleetStats, firstUrl: number) {
  const profile = { id, connectors: 1, vendor: "Levity", model: "Sim-22", firmware: "1.0.0" };
  return new SimulatedChargePoint(
    profile,
    simulationContext(url, stats),
    new SeededRandom(1),
    60,
    "ocpp1.6",
    firstUrl,
  );
}

describe("a charge point given a failover list", () => {
  it("starts at the URL its number picks, moves on when a connection fails, and stays where it got through", async () => {
    const [a, b, list] = await twoCentralSystems();
    const stats = new FleetStats();
    const even = chargePoint("FO-0", list, stats, 0);
    const odd = chargePoint("FO-1", list, stats, 3);
    expect([await even.connect(), await odd.connect()]).toEqual([true, true]);
    expect([a.connections("FO-0"), b.connections("FO-1")]).toEqual([1, 1]);

    // A crashes: its port refuses, so the charge point goes on to B at once.
    await a.close();
    await even.disconnected;
    expect(await even.connect()).toBe(true);
    expect(b.connections("FO-0")).toBe(1);
    expect(even.url).toBe(b.url);
    expect(stats.connectFailuresByReason).toEqual({ ECONNREFUSED: 1 });

    // Cut off by B, it comes back to B: the one it reached last.
    b.cutOff("FO-0");
    await even.disconnected;
    expect(await even.connect()).toBe(true);
    expect(b.connections("FO-0")).toBe(2);
    expect(stats.connectFailures).toBe(1);
    await Promise.all([even.disconnect(), odd.disconnect()]);
  });

  it("fails an attempt once every central system of its list refused, each tried once", async () => {
    const [a, b, list] = await twoCentralSystems();
    await Promise.all([a.close(), b.close()]);
    const stats = new FleetStats();
    const cp = chargePoint("FO-DOWN", list, stats, 1);
    expect(await cp.connect()).toBe(false);
    expect(stats.connectFailuresByReason).toEqual({ ECONNREFUSED: 2 });
    // The next attempt starts where this one did.
    expect(cp.url).toBe(b.url);
  });
});

describe("a fleet given a failover list", () => {
  it("splits over it, and the charge points of a central system that dies come back on the other without rebooting", async () => {
    const [a, b, list] = await twoCentralSystems();
    const plan: FleetPlan = {
      url: list,
      prefix: "FLEET-FO-",
      first: 1,
      count: 4,
      connectors: 1,
      protocol: "ocpp1.6",
      protocolMix: undefined,
      seed: 3,
      rates: {
        rampS: 0,
        idleMeanS: 1e9,
        chargeMeanS: 1,
        meterIntervalS: 60,
        faultsPerHour: 0,
        rebootsPerHour: 0,
        dropsPerHour: 0,
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
    const ids = ["FLEET-FO-1", "FLEET-FO-2", "FLEET-FO-3", "FLEET-FO-4"];
    // Charge point n starts at URL n mod 2: the odd ones at B.
    await eventually(() => {
      for (const [index, id] of ids.entries())
        expect((index % 2 === 0 ? b : a).calls(id, "StatusNotification"), id).toHaveLength(2);
    }, WAIT);

    await a.close();
    await eventually(() => {
      for (const id of ["FLEET-FO-2", "FLEET-FO-4"])
        expect(b.calls(id, "StatusNotification"), id).toHaveLength(2);
    }, WAIT);
    stop.abort();
    await run;
    // Those that came from A did not reboot: no BootNotification on B, their statuses again.
    for (const id of ["FLEET-FO-2", "FLEET-FO-4"])
      expect(b.calls(id, "BootNotification"), id).toEqual([]);
    expect(stats.reconnects).toBe(2);
    // Each tried A once after the loss, and was refused.
    expect(stats.connectFailuresByReason).toEqual({ ECONNREFUSED: 2 });
  });
});
