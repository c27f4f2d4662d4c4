import { describe, expect, it } from "vitest";
import { EVENT_TYPES, validateEvent } from "../src/index.js";
import { cpEvent, gatewayEvent } from "../src/testing/index.js";

const boot = cpEvent("cp.boot", { vendor: "ACME", model: "Fast-50", firmwareVersion: "1.2.3" });

describe("validateEvent", () => {
  it("compiles every event type's schema (compiled on first use, so a refused one is found here)", () => {
    for (const type of EVENT_TYPES) {
      const checked = validateEvent({ type });
      expect(checked.ok ? undefined : checked.error.message, type).not.toBe("unknown event type");
    }
  });

  it("accepts a well-formed event of each kind", () => {
    const samples = [
      boot,
      cpEvent("session.opened", { protocol: "ocpp1.6", instance: "i1" }),
      cpEvent("session.closed", { reason: "ping-timeout", code: 1006 }),
      cpEvent("cp.heartbeat", {}),
      cpEvent("cp.status", { evseId: 1, connectorId: 1, status: "Faulted" }),
      cpEvent("cp.fault", { evseId: 1, connectorId: 1, code: "GroundFailure", active: true }),
      cpEvent("tx.started", {
        evseId: 1,
        connectorId: 1,
        transactionId: "42",
        idTag: "TAG",
        meterStartWh: 0,
        timestamp: 1,
      }),
      cpEvent("tx.stopped", { transactionId: "42", meterStopWh: 1200, timestamp: 2 }),
      cpEvent("meter.values", {
        evseId: 1,
        transactionId: "42",
        samples: [{ timestamp: 1, measurand: "Current.Import", value: 16, unit: "A", phase: "L1" }],
      }),
      gatewayEvent("gateway.alive", { instance: "i1", startedAt: 1, sessions: 0 }),
      gatewayEvent("gateway.stopped", { instance: "i1" }),
      gatewayEvent("gateway.lost", { instance: "i1", lastAliveAt: 1 }),
    ];
    for (const event of samples) {
      expect(validateEvent(event), event.type).toEqual({ ok: true, value: event });
    }
  });

  it("knows every event type it declares", () => {
    expect(EVENT_TYPES).toContain("meter.values");
    expect(new Set(EVENT_TYPES).size).toBe(EVENT_TYPES.length);
  });

  it("rejects values that are not objects", () => {
    for (const value of [null, 1, "x", [], true]) {
      expect(validateEvent(value)).toMatchObject({ ok: false, error: { path: "" } });
    }
  });

  it("rejects an unknown type", () => {
    expect(validateEvent({ ...boot, type: "cp.reboot" })).toEqual({
      ok: false,
      error: { type: "cp.reboot", path: "/type", message: "unknown event type" },
    });
  });

  it("names the field that breaks the contract", () => {
    const { cpId: _dropped, ...withoutCp } = boot;
    expect(validateEvent(withoutCp)).toMatchObject({
      ok: false,
      error: { type: "cp.boot", path: "" },
    });
    expect(validateEvent({ ...boot, ts: -1 })).toMatchObject({ ok: false, error: { path: "/ts" } });
    expect(validateEvent({ ...boot, v: 3 })).toMatchObject({ ok: false, error: { path: "/v" } });
    expect(validateEvent({ ...boot, payload: { ...boot.payload, vendor: "" } })).toMatchObject({
      ok: false,
      error: { path: "/payload/vendor" },
    });
    expect(validateEvent({ ...boot, payload: { ...boot.payload, colour: "red" } })).toMatchObject({
      ok: false,
      error: { path: "/payload", message: expect.stringContaining("colour") },
    });
  });

  it("bounds every string so hostile input cannot grow state", () => {
    const long = "x".repeat(10_000);
    expect(validateEvent({ ...boot, cpId: long }).ok).toBe(false);
    expect(validateEvent({ ...boot, payload: { ...boot.payload, model: long } }).ok).toBe(false);
  });

  it("keeps gateway events free of charge-point fields", () => {
    const alive = gatewayEvent("gateway.alive", { instance: "i1", startedAt: 1, sessions: 3 });
    expect(validateEvent({ ...alive, cpId: "CP-1" }).ok).toBe(false);
  });
});
