import { describe, expect, it } from "vitest";
import { decodeBatch, EVENT_VERSION, readEvent, validateEvent } from "../src/index.js";
import { cpEvent } from "../src/testing/index.js";

// Events exactly as v1 gateways stored them (1.6-shaped payloads, `v: 1`).
const envelope = {
  v: 1,
  gatewayId: "gw-1",
  cpId: "CP-1",
  sessionId: "s-1",
  callId: "c-9",
  ts: 1_700_000_000_000,
};
const v1 = (id: string, type: string, payload: Record<string, unknown>) => ({
  id,
  type,
  ...envelope,
  payload,
});

function read(value: unknown) {
  const result = readEvent(value);
  if (!result.ok) throw new Error(`${result.error.path} ${result.error.message}`);
  for (const event of result.value)
    expect(validateEvent(event)).toEqual({ ok: true, value: event });
  return result.value;
}

describe("readEvent", () => {
  it("reads an event of the current version as itself", () => {
    const event = cpEvent("cp.status", { evseId: 1, connectorId: 1, status: "Available" });
    expect(readEvent(event)).toEqual({ ok: true, value: [event] });
    expect(EVENT_VERSION).toBe(2);
  });

  it("upcasts a v1 status: the 1.6 connector n becomes EVSE n, connector 1; connector 0 the charge point", () => {
    expect(
      read(v1("e1", "cp.status", { connectorId: 2, status: "Charging", errorCode: "NoError" })),
    ).toEqual([
      {
        ...envelope,
        v: 2,
        id: "e1",
        type: "cp.status",
        payload: { evseId: 2, connectorId: 1, status: "Charging" },
      },
    ]);
    expect(
      read(v1("e2", "cp.status", { connectorId: 0, status: "Available", errorCode: "NoError" }))[0]
        ?.payload,
    ).toEqual({ evseId: 0, status: "Available" });
  });

  it("upcasts a v1 status with an error code into the status and a raised fault", () => {
    const stored = v1("e3", "cp.status", {
      connectorId: 1,
      status: "Faulted",
      errorCode: "GroundFailure",
      info: "RCD tripped",
      vendorErrorCode: "E42",
      timestamp: 1_699_999_999_000,
    });
    expect(read(stored)).toEqual([
      {
        ...envelope,
        v: 2,
        id: "e3",
        type: "cp.status",
        payload: {
          evseId: 1,
          connectorId: 1,
          status: "Faulted",
          info: "RCD tripped",
          vendorErrorCode: "E42",
          timestamp: 1_699_999_999_000,
        },
      },
      {
        ...envelope,
        v: 2,
        id: "e3.fault",
        type: "cp.fault",
        payload: {
          evseId: 1,
          connectorId: 1,
          code: "GroundFailure",
          active: true,
          info: "RCD tripped",
          vendorErrorCode: "E42",
          timestamp: 1_699_999_999_000,
        },
      },
    ]);
  });

  it("upcasts v1 transactions and meter values to EVSE references", () => {
    expect(
      read(
        v1("e4", "tx.started", {
          connectorId: 2,
          transactionId: "17",
          idTag: "TAG",
          meterStartWh: 1200,
          timestamp: 1,
          reservationId: 3,
        }),
      )[0]?.payload,
    ).toEqual({
      evseId: 2,
      connectorId: 1,
      transactionId: "17",
      idTag: "TAG",
      meterStartWh: 1200,
      timestamp: 1,
      reservationId: 3,
    });
    expect(
      read(v1("e5", "tx.stopped", { transactionId: "17", meterStopWh: 9000, timestamp: 2 }))[0]
        ?.payload,
    ).toEqual({ transactionId: "17", meterStopWh: 9000, timestamp: 2 });
    expect(
      read(
        v1("e6", "tx.stopped", {
          transactionId: "17",
          connectorId: 2,
          meterStopWh: 1,
          timestamp: 2,
        }),
      )[0]?.payload,
    ).toMatchObject({ evseId: 2, connectorId: 1 });
    const samples = [{ timestamp: 1, measurand: "Current.Import", value: 16, unit: "A" }];
    expect(read(v1("e7", "meter.values", { connectorId: 0, samples }))[0]?.payload).toEqual({
      evseId: 0,
      samples,
    });
  });

  it("upcasts the unchanged types by their version alone", () => {
    const boot = v1("e8", "cp.boot", { vendor: "ACME", model: "Fast-50" });
    expect(read(boot)).toEqual([{ ...boot, v: 2 }]);
    const alive = {
      id: "e9",
      type: "gateway.alive",
      v: 1,
      gatewayId: "gw-1",
      ts: 5,
      payload: { instance: "i1", startedAt: 1, sessions: 0 },
    };
    expect(read(alive)).toEqual([{ ...alive, v: 2 }]);
  });

  it("judges a v1 event by the v1 contract", () => {
    expect(
      readEvent(v1("e10", "cp.status", { connectorId: 1, status: "Available" })),
    ).toMatchObject({ ok: false, error: { type: "cp.status", path: "/payload" } });
    // v1 had no faults of their own: a v1 `cp.fault` is not an event of its contract.
    expect(
      readEvent(v1("e11", "cp.fault", { evseId: 1, code: "GroundFailure", active: true })),
    ).toMatchObject({ ok: false, error: { path: "/type" } });
  });

  it("refuses a version it does not know, naming the field", () => {
    const event = cpEvent("cp.heartbeat", {});
    expect(readEvent({ ...event, v: 3 })).toMatchObject({ ok: false, error: { path: "/v" } });
    expect(readEvent(null)).toMatchObject({ ok: false, error: { path: "" } });
  });
});

describe("decodeBatch of stored v1 events", () => {
  it("upcasts them in place and reports rejects by their stored index", () => {
    const stored = [
      v1("a", "cp.status", { connectorId: 1, status: "Faulted", errorCode: "OverVoltage" }),
      v1("b", "cp.status", { connectorId: 1 }),
      v1("c", "cp.heartbeat", {}),
    ];
    const data = new TextEncoder().encode(
      JSON.stringify({ v: 1, producer: "gw-1", instance: "i1", batch: 1, events: stored }),
    );
    const decoded = decodeBatch(data);
    expect(decoded.ok && decoded.value.events.map((event) => [event.id, event.type])).toEqual([
      ["a", "cp.status"],
      ["a.fault", "cp.fault"],
      ["c", "cp.heartbeat"],
    ]);
    expect(decoded.ok && decoded.value.rejected.map((r) => r.index)).toEqual([1]);
  });
});
