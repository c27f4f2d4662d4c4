import { describe, expect, it } from "vitest";
import { GatewayWatchdog, gatewayLostId } from "../../src/decisions/gateway-watchdog.js";
import { Scenario } from "./scenario.js";

describe("gateway watchdog", () => {
  it("declares a gateway lost once its alive events stop for the timeout, on its own clock", () => {
    let now = 0;
    const watchdog = new GatewayWatchdog(30_000, () => now);
    // The gateway's own clock is far ahead: staleness is measured from when this projector saw it.
    const state = new Scenario().at(9_000_000_000_000).alive("gw-a", "a1").state();
    expect(watchdog.check(state, now)).toEqual([]);
    now = 29_999;
    expect(watchdog.check(state, now)).toEqual([]);
    now = 30_000;
    const [lost] = watchdog.check(state, now);
    const lastAliveAt = state.gateways.get("gw-a")?.lastAliveAt ?? 0;
    expect(lost).toMatchObject({
      id: gatewayLostId("gw-a", "a1", lastAliveAt),
      type: "gateway.lost",
      gatewayId: "gw-a",
      ts: 30_000,
      payload: { instance: "a1", lastAliveAt },
    });
  });

  it("restarts the count at each new alive event and ignores gateways already down", () => {
    let now = 0;
    const watchdog = new GatewayWatchdog(10_000, () => now);
    const scenario = new Scenario().alive("gw-a", "a1");
    watchdog.check(scenario.state(), now);
    now = 9_000;
    scenario.alive("gw-a", "a1");
    expect(watchdog.check(scenario.state(), now)).toEqual([]);
    now = 18_000;
    expect(watchdog.check(scenario.state(), now)).toEqual([]);
    now = 19_000;
    expect(watchdog.check(scenario.state(), now)).toHaveLength(1);
    scenario.stopped("gw-a", "a1");
    now = 100_000;
    expect(watchdog.check(scenario.state(), now)).toEqual([]);
  });

  it("counts silence only up to the moment the projection is known to be current", () => {
    let now = 0;
    const watchdog = new GatewayWatchdog(10_000, () => now);
    const state = new Scenario().alive("gw-a", "a1").state();
    watchdog.check(state, now);
    now = 60_000;
    // The projection last verified it held the whole stream at 9 s: the silence it knows of is 9 s.
    expect(watchdog.check(state, 9_000)).toEqual([]);
    expect(watchdog.check(state, 10_000)).toHaveLength(1);
  });

  it("does not count time while the projection was not known to be current", () => {
    let now = 0;
    const watchdog = new GatewayWatchdog(10_000, () => now);
    const state = new Scenario().alive("gw-a", "a1").state();
    watchdog.check(state, now);
    // Stalled (or cut off from NATS) from 2 s to 40 s: the gateway could not store alive events either.
    for (now = 2_000; now <= 40_000; now += 1_000) watchdog.hold();
    now = 49_000;
    expect(watchdog.check(state, now)).toEqual([]);
    now = 50_000;
    expect(watchdog.check(state, now)).toHaveLength(1);
  });

  it("gives two replicas deciding the same staleness the same event id", () => {
    const state = new Scenario().alive("gw-a", "a1").state();
    const decide = (start: number) => {
      let now = start;
      const watchdog = new GatewayWatchdog(1_000, () => now);
      watchdog.check(state, now);
      now += 5_000;
      return watchdog.check(state, now)[0]?.id;
    };
    expect(decide(0)).toBe(decide(123_456));
  });
});
