import { describe, expect, it } from "vitest";
import { applyBatch, createEvolve, evolve } from "../../src/state/evolve.js";
import { EMPTY_STATE } from "../../src/state/projection-state.js";
import { Scenario, seriesValue, type Where } from "./scenario.js";

const A: Where = { cp: "CP-1", session: "s1", gateway: "gw-a" };
const A2: Where = { cp: "CP-1", session: "s2", gateway: "gw-a" };
const B: Where = { cp: "CP-1", session: "s3", gateway: "gw-b" };
const OTHER: Where = { cp: "CP-2", session: "o1", gateway: "gw-b" };
const cp1 = { cp_id: "CP-1" };

describe("evolve: counters and timestamps", () => {
  it("creates every counter at 0 from a charge point's first event", async () => {
    const m = await new Scenario().heartbeat(A).metrics();
    for (const name of [
      "ocpp_cp_boots_total",
      "ocpp_cp_disconnects_total",
      "ocpp_cp_reconnect_during_tx_total",
      "ocpp_cp_boots_during_tx_total",
    ]) {
      expect(seriesValue(m, name, cp1), name).toBe(0);
    }
  });

  it("counts boots and keeps what the latest boot said", async () => {
    const m = await new Scenario().open(A).boot(A, "1.0").boot(A, "2.0").metrics();
    expect(seriesValue(m, "ocpp_cp_boots_total", cp1)).toBe(2);
    expect(
      seriesValue(m, "ocpp_cp_info", { ...cp1, vendor: "ACME", model: "Fast-50", firmware: "2.0" }),
    ).toBe(1);
    expect(m.samples.filter((s) => s.name === "ocpp_cp_info")).toHaveLength(1);
  });

  it("counts errors by error code, not NoError, and remembers when each was last reported", async () => {
    const s = new Scenario()
      .open(A)
      .status(A, 1, "Available")
      .status(A, 1, "Faulted", "GroundFailure")
      .status(A, 0, "Faulted", "GroundFailure");
    const lastGround = s.now / 1000;
    const m = await s.status(A, 1, "Faulted", "OverVoltage").metrics();
    expect(seriesValue(m, "ocpp_cp_last_error_ts", { ...cp1, error_type: "GroundFailure" })).toBe(
      lastGround,
    );
    expect(
      seriesValue(m, "ocpp_cp_last_error_ts", { ...cp1, error_type: "NoError" }),
    ).toBeUndefined();
    expect(seriesValue(m, "ocpp_cp_errors_total", { ...cp1, error_type: "GroundFailure" })).toBe(2);
    expect(seriesValue(m, "ocpp_cp_errors_total", { ...cp1, error_type: "OverVoltage" })).toBe(1);
    expect(
      seriesValue(m, "ocpp_cp_errors_total", { ...cp1, error_type: "NoError" }),
    ).toBeUndefined();
  });

  it("takes timestamps from events: last seen, last heartbeat, and first seen as last transaction", async () => {
    const s = new Scenario().at(1_800_000_000_000).open(A);
    const firstSeen = s.now / 1000;
    s.heartbeat(A);
    const heartbeat = s.now / 1000;
    s.status(A, 1, "Available");
    const m = await s.metrics();
    expect(seriesValue(m, "ocpp_cp_first_seen_ts", cp1)).toBe(firstSeen);
    expect(seriesValue(m, "ocpp_cp_last_tx_ts", cp1)).toBe(firstSeen);
    expect(seriesValue(m, "ocpp_cp_last_heartbeat_ts", cp1)).toBe(heartbeat);
    expect(seriesValue(m, "ocpp_cp_last_seen_ts", cp1)).toBe(s.now / 1000);
  });

  it("sets the last transaction time at start and stop, even for an unknown transaction", async () => {
    const s = new Scenario().open(A).start(A, 1, "7");
    expect(seriesValue(await s.metrics(), "ocpp_cp_last_tx_ts", cp1)).toBe(s.now / 1000);
    s.stop(A, "999");
    const m = await s.metrics();
    expect(seriesValue(m, "ocpp_cp_last_tx_ts", cp1)).toBe(s.now / 1000);
    expect(seriesValue(m, "ocpp_tx_active", { ...cp1, connector_id: "1" })).toBe(1);
  });
});

describe("evolve: sessions across gateways", () => {
  it("is connected while any session is open, whatever order the closes arrive in", async () => {
    const s = new Scenario().open(A).open(B, "b1").close(A);
    let m = await s.metrics();
    expect(seriesValue(m, "ocpp_cp_connected", cp1)).toBe(1);
    expect(seriesValue(m, "ocpp_cp_disconnects_total", cp1)).toBe(1);
    s.close(B);
    m = await s.metrics();
    expect(seriesValue(m, "ocpp_cp_connected", cp1)).toBe(0);
    expect(seriesValue(m, "ocpp_cp_disconnects_total", cp1)).toBe(2);
  });

  it("counts each ended session once, however many times its end is reported", async () => {
    const m = await new Scenario()
      .open(A)
      .close(A)
      .close(A)
      .alive("gw-a", "a1")
      .lost("gw-a", "a1")
      .metrics();
    expect(seriesValue(m, "ocpp_cp_disconnects_total", cp1)).toBe(1);
    expect(seriesValue(m, "ocpp_cp_connected", cp1)).toBe(0);
  });

  it("closes every session of a lost gateway and marks it down, leaving others alone", async () => {
    const m = await new Scenario()
      .alive("gw-a", "a1")
      .alive("gw-b", "b1")
      .open(A, "a1")
      .open(OTHER, "b1")
      .lost("gw-a", "a1")
      .metrics();
    expect(seriesValue(m, "ocpp_cp_connected", cp1)).toBe(0);
    expect(seriesValue(m, "ocpp_cp_disconnects_total", cp1)).toBe(1);
    expect(seriesValue(m, "ocpp_cp_connected", { cp_id: "CP-2" })).toBe(1);
    expect(seriesValue(m, "ocpp_gateway_up", { gateway_id: "gw-a" })).toBe(0);
    expect(seriesValue(m, "ocpp_gateway_up", { gateway_id: "gw-b" })).toBe(1);
    expect(seriesValue(m, "ocpp_central_up", {})).toBe(1);
  });

  it("treats a gateway's new instance as the end of the old one's sessions", async () => {
    const m = await new Scenario().alive("gw-a", "a1").open(A, "a1").alive("gw-a", "a2").metrics();
    expect(seriesValue(m, "ocpp_cp_connected", cp1)).toBe(0);
    expect(seriesValue(m, "ocpp_cp_disconnects_total", cp1)).toBe(1);
    expect(seriesValue(m, "ocpp_gateway_up", { gateway_id: "gw-a" })).toBe(1);
  });

  it("closes what a stopped gateway left open and reports central down without gateways", async () => {
    const m = await new Scenario()
      .alive("gw-a", "a1")
      .open(A, "a1")
      .stopped("gw-a", "a1")
      .metrics();
    expect(seriesValue(m, "ocpp_cp_connected", cp1)).toBe(0);
    expect(seriesValue(m, "ocpp_gateway_up", { gateway_id: "gw-a" })).toBe(0);
    expect(seriesValue(m, "ocpp_central_up", {})).toBe(0);
  });

  it("reports central down while the projector is cut off from the stream", async () => {
    expect(
      seriesValue(await new Scenario().alive("gw-a", "a1").metrics(false), "ocpp_central_up", {}),
    ).toBe(0);
  });

  it("brings back the sessions of a gateway wrongly declared lost when they speak again", async () => {
    const m = await new Scenario()
      .alive("gw-a", "a1")
      .open(A, "a1")
      .lost("gw-a", "a1")
      .alive("gw-a", "a1")
      .heartbeat(A)
      .metrics();
    expect(seriesValue(m, "ocpp_cp_connected", cp1)).toBe(1);
    expect(seriesValue(m, "ocpp_gateway_up", { gateway_id: "gw-a" })).toBe(1);
  });
});

describe("evolve: transactions, reboots and reconnects", () => {
  it("tracks a transaction from start to stop, mapping the stop to its connector", async () => {
    const s = new Scenario().open(A).status(A, 2, "Available").start(A, 2, "41");
    expect(seriesValue(await s.metrics(), "ocpp_tx_active", { ...cp1, connector_id: "2" })).toBe(1);
    s.current(A, 2, { total: 31 }, "41").stop(A, "41");
    const m = await s.metrics();
    expect(seriesValue(m, "ocpp_tx_active", { ...cp1, connector_id: "2" })).toBe(0);
    expect(seriesValue(m, "ocpp_cp_current_a", { ...cp1, connector_id: "2" })).toBe(0);
  });

  it("reads 3-phase current as the largest phase, or the un-phased value when sent", async () => {
    const s = new Scenario()
      .open(A)
      .start(A, 1, "1")
      .current(A, 1, { L1: 16, L2: 15.5, L3: 17 }, "1");
    expect(seriesValue(await s.metrics(), "ocpp_cp_current_a", { ...cp1, connector_id: "1" })).toBe(
      17,
    );
    s.current(A, 1, { L1: 16, total: 47.5, L3: 17 }, "1");
    expect(seriesValue(await s.metrics(), "ocpp_cp_current_a", { ...cp1, connector_id: "1" })).toBe(
      47.5,
    );
  });

  it("ignores current samples of a transaction that already ended", async () => {
    const m = await new Scenario()
      .open(A)
      .start(A, 1, "1")
      .stop(A, "1")
      .current(A, 1, { total: 20 }, "1")
      .metrics();
    expect(seriesValue(m, "ocpp_cp_current_a", { ...cp1, connector_id: "1" })).toBe(0);
  });

  it("counts a reboot during a transaction once, as a boot during the transaction", async () => {
    const m = await new Scenario()
      .open(A)
      .boot(A)
      .start(A, 1, "5")
      .close(A)
      .open(A2)
      .boot(A2)
      .metrics();
    expect(seriesValue(m, "ocpp_cp_boots_during_tx_total", cp1)).toBe(1);
    expect(seriesValue(m, "ocpp_cp_reconnect_during_tx_total", cp1)).toBe(0);
    expect(seriesValue(m, "ocpp_cp_boots_total", cp1)).toBe(2);
  });

  it("counts a reconnect during a transaction when the new session does not reboot", async () => {
    const m = await new Scenario()
      .open(A)
      .start(A, 1, "5")
      .close(A)
      .open(A2)
      .heartbeat(A2)
      .metrics();
    expect(seriesValue(m, "ocpp_cp_reconnect_during_tx_total", cp1)).toBe(1);
    expect(seriesValue(m, "ocpp_cp_boots_during_tx_total", cp1)).toBe(0);
  });

  it("counts a reconnect when the charge point moved to another gateway before the old one noticed", async () => {
    const m = await new Scenario()
      .open(A)
      .start(A, 1, "5")
      .open(B, "b1")
      .heartbeat(B)
      .close(A)
      .metrics();
    expect(seriesValue(m, "ocpp_cp_reconnect_during_tx_total", cp1)).toBe(1);
    expect(seriesValue(m, "ocpp_cp_connected", cp1)).toBe(1);
  });

  it("does not count a move as a reconnect when the new session rebooted", async () => {
    const m = await new Scenario()
      .open(A)
      .start(A, 1, "5")
      .open(B, "b1")
      .boot(B)
      .close(A)
      .metrics();
    expect(seriesValue(m, "ocpp_cp_boots_during_tx_total", cp1)).toBe(1);
    expect(seriesValue(m, "ocpp_cp_reconnect_during_tx_total", cp1)).toBe(0);
  });

  it("counts nothing when sessions end outside transactions", async () => {
    const m = await new Scenario()
      .open(A)
      .start(A, 1, "5")
      .stop(A, "5")
      .close(A)
      .open(A2)
      .heartbeat(A2)
      .metrics();
    expect(seriesValue(m, "ocpp_cp_reconnect_during_tx_total", cp1)).toBe(0);
  });

  it.each([
    ["Available", (s: Scenario) => s.status(A2, 1, "Available")],
    ["Preparing", (s: Scenario) => s.status(A2, 1, "Preparing")],
    ["a new StartTransaction", (s: Scenario) => s.start(A2, 1, "6")],
  ])(
    "ends a transaction never stopped after a reboot when the connector reports %s",
    async (_name, next) => {
      const s = new Scenario().open(A).start(A, 1, "5").close(A).open(A2).boot(A2);
      next(s);
      const state = s.state();
      expect(state.orphanedTransactions).toBe(1);
      const m = await s.metrics();
      const expected = _name === "a new StartTransaction" ? 1 : 0;
      expect(seriesValue(m, "ocpp_tx_active", { ...cp1, connector_id: "1" })).toBe(expected);
      expect(seriesValue(m, "levity_projector_transactions_orphaned_total", {})).toBe(1);
    },
  );

  it("survives a stop for an unknown transaction id and one without a connector", () => {
    const state = new Scenario().open(A).stop(A, "-1").stop(A, "404").state();
    expect(state.cps.get("CP-1")?.connectors).toEqual({});
  });
});

describe("evolve: purity and replay", () => {
  it("never changes the state it is given", () => {
    const s = new Scenario()
      .alive("gw-a", "a1")
      .open(A, "a1")
      .start(A, 1, "1")
      .current(A, 1, { L1: 10 }, "1");
    const before = s.state();
    const snapshot = JSON.stringify({ cps: before.cps.toJS(), sessions: before.sessions.toJS() });
    const after = new Scenario().close(A).lost("gw-a", "a1").events.reduce(evolve, before);
    expect(after).not.toBe(before);
    expect(JSON.stringify({ cps: before.cps.toJS(), sessions: before.sessions.toJS() })).toBe(
      snapshot,
    );
  });

  it("gives the same state for the same events", async () => {
    const s = new Scenario()
      .alive("gw-a", "a1")
      .open(A, "a1")
      .boot(A)
      .start(A, 1, "1")
      .close(A)
      .open(A2)
      .boot(A2);
    expect(s.events.reduce(evolve, EMPTY_STATE)).toEqual(s.events.reduce(evolve, EMPTY_STATE));
  });

  it("skips a re-published batch of a producer instance, but not its later batches", () => {
    const events = new Scenario().open(A).boot(A).events;
    const batch = { producer: "gw-a", instance: "a1", batch: 3, events, rejected: [] };
    const once = applyBatch(EMPTY_STATE, batch);
    const twice = applyBatch(once.state, batch);
    expect(twice.duplicate).toBe(true);
    expect(twice.state).toBe(once.state);
    const later = applyBatch(once.state, {
      ...batch,
      batch: 4,
      events: new Scenario().boot(A).events,
    });
    expect(later.duplicate).toBe(false);
    expect(later.state.cps.get("CP-1")?.boots).toBe(2);
  });

  it("applies decisions, which carry no batch number, every time they arrive", () => {
    const events = new Scenario().alive("gw-a", "a1").events;
    const first = applyBatch(EMPTY_STATE, {
      producer: "projector",
      instance: "decisions",
      batch: undefined,
      events,
      rejected: [],
    });
    expect(first.duplicate).toBe(false);
  });
});

describe("evolve: limits", () => {
  it("drops and counts the events of charge points beyond the limit", async () => {
    const limited = createEvolve({ maxChargePoints: 2, maxErrorTypes: 32 });
    const s = new Scenario()
      .open({ cp: "A", session: "a" })
      .open({ cp: "B", session: "b" })
      .open({ cp: "C", session: "c" })
      .heartbeat({ cp: "C", session: "c" })
      .heartbeat({ cp: "A", session: "a" });
    const state = s.events.reduce(limited, EMPTY_STATE);
    expect([...state.cps.keys()].sort()).toEqual(["A", "B"]);
    expect(state.dropped).toEqual({ chargePoints: 2, errorTypes: 0 });
  });

  it("counts at most maxErrorTypes error codes per charge point and counts the others as dropped", () => {
    const limited = createEvolve({ maxChargePoints: 10, maxErrorTypes: 2 });
    const state = new Scenario()
      .open(A)
      .status(A, 1, "Faulted", "E1")
      .status(A, 1, "Faulted", "E2")
      .status(A, 1, "Faulted", "E3")
      .status(A, 1, "Faulted", "E1")
      .events.reduce(limited, EMPTY_STATE);
    expect(state.cps.get("CP-1")?.errors).toEqual({ E1: 2, E2: 1 });
    expect(state.dropped).toEqual({ chargePoints: 0, errorTypes: 1 });
  });
});
