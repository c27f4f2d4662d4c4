import type { LevityEvent, MeterSample, PayloadOf } from "@levity/events";
import { cpEvent } from "@levity/events/testing";
import { parseMetricsText, sampleValue } from "@levity/testkit";
import { describe, expect, it } from "vitest";
import { renderProjection } from "../../src/metrics/render-projection.js";
import { evolve } from "../../src/state/evolve.js";
import { EMPTY_STATE, type ProjectionState } from "../../src/state/projection-state.js";

// Energy delivered, from the import register, where meters lie: each case below fails without
// the handling it names (meter-register.ts).

const CP = "METER-1";
const T0 = 1_700_000_000_000;
const MINUTE = 60_000;
let clock = T0;

function at<K extends "tx.started" | "meter.values" | "tx.stopped">(
  type: K,
  payload: PayloadOf<K>,
): LevityEvent {
  clock += 1_000;
  return cpEvent(type, payload, { cpId: CP, sessionId: "s1", gatewayId: "gw-a", ts: clock });
}

const register = (wh: number, minute: number): MeterSample => ({
  timestamp: T0 + minute * MINUTE,
  measurand: "Energy.Active.Import.Register",
  unit: "Wh",
  value: wh,
});
const start = (meterStartWh?: number, id = "tx-1") =>
  at("tx.started", {
    evseId: 1,
    connectorId: 1,
    transactionId: id,
    timestamp: T0,
    ...(meterStartWh === undefined ? {} : { meterStartWh }),
  });
const meter = (...samples: MeterSample[]) =>
  at("meter.values", { evseId: 1, connectorId: 1, transactionId: "tx-1", samples });
const stop = (minute: number, meterStopWh?: number, id = "tx-1") =>
  at("tx.stopped", {
    transactionId: id,
    timestamp: T0 + minute * MINUTE,
    ...(meterStopWh === undefined ? {} : { meterStopWh }),
  });

const fold = (events: readonly LevityEvent[]): ProjectionState => {
  clock = T0;
  return events.reduce(evolve, EMPTY_STATE);
};
const energyOf = (events: readonly LevityEvent[]) => fold(events).cps.get(CP)?.energyWh;

async function metricsOf(state: ProjectionState) {
  return parseMetricsText(await renderProjection({ state, connected: true }));
}

describe("energy delivered, from the meter register", () => {
  it("counts a transaction's register increments, and its end in the fleet's histograms", async () => {
    const state = fold([
      start(1_000),
      meter(register(1_500, 1)),
      meter(register(2_500, 2)),
      stop(30, 4_000),
    ]);
    const metrics = await metricsOf(state);
    expect(sampleValue(metrics, "ocpp_cp_energy_delivered_wh_total", { cp_id: CP })).toBe(3_000);
    expect(sampleValue(metrics, "ocpp_transactions_total", { cp_id: CP })).toBe(1);
    expect(sampleValue(metrics, "ocpp_transaction_duration_seconds_count")).toBe(1);
    expect(sampleValue(metrics, "ocpp_transaction_duration_seconds_sum")).toBe(1_800);
    expect(sampleValue(metrics, "ocpp_transaction_energy_wh_sum")).toBe(3_000);
    expect(sampleValue(metrics, "ocpp_transaction_energy_wh_bucket", { le: "5000" })).toBe(1);
    expect(sampleValue(metrics, "ocpp_transaction_energy_wh_bucket", { le: "2500" })).toBe(0);
  });

  it("shows energy to the milliwatt-hour, without the binary noise of summed kWh fractions", async () => {
    const state = fold([start(100.1), meter(register(100.3, 1)), meter(register(100.7, 2))]);
    expect(state.cps.get(CP)?.energyWh).not.toBe(0.6);
    const metrics = await metricsOf(state);
    expect(sampleValue(metrics, "ocpp_cp_energy_delivered_wh_total", { cp_id: CP })).toBe(0.6);
  });

  it("re-bases on a register that goes backwards (reset at a reboot): never a negative increment", () => {
    expect(
      energyOf([
        start(1_000),
        meter(register(2_000, 1)),
        meter(register(0, 2)),
        meter(register(500, 3)),
        stop(4, 900),
      ]),
    ).toBe(1_900);
  });

  it("takes the first reading as the baseline of a transaction whose start value is missing", () => {
    expect(
      energyOf([start(), meter(register(1_000, 1)), meter(register(1_600, 2)), stop(3, 2_000)]),
    ).toBe(1_000);
  });

  it("counts up to the last reading of a transaction whose stop value is missing", () => {
    expect(energyOf([start(1_000), meter(register(1_500, 1)), stop(2)])).toBe(500);
  });

  it("re-bases on a climb faster than any charger (a meter replaced), counting nothing for it", () => {
    expect(
      energyOf([
        start(1_000),
        meter(register(1_500, 1)),
        meter(register(5_000_000, 2)),
        meter(register(5_000_300, 3)),
        stop(4),
      ]),
    ).toBe(800);
  });

  it("counts a duplicated reading once, and ignores one that arrives out of order", () => {
    expect(
      energyOf([
        start(1_000),
        meter(register(1_500, 1)),
        meter(register(1_500, 1)),
        meter(register(3_000, 3)),
        meter(register(2_000, 2)),
        stop(4, 3_500),
        stop(4, 3_500),
      ]),
    ).toBe(2_500);
  });

  it("counts nothing outside a transaction, nor for a transaction already ended", () => {
    expect(
      energyOf([
        meter(register(1_000, 0)),
        start(1_000),
        stop(1, 2_000),
        meter(register(9_000, 2)),
      ]),
    ).toBe(1_000);
  });

  it("counts a transaction whose stop came before its start once, when the start comes", async () => {
    const state = fold([stop(10, 4_000), start(1_000), stop(10, 4_000)]);
    const metrics = await metricsOf(state);
    expect(state.cps.get(CP)?.energyWh).toBe(3_000);
    expect(sampleValue(metrics, "ocpp_transactions_total", { cp_id: CP })).toBe(1);
    expect(sampleValue(metrics, "ocpp_transaction_duration_seconds_sum")).toBe(600);
    expect(sampleValue(metrics, "ocpp_transaction_energy_wh_count")).toBe(1);
    expect(sampleValue(metrics, "ocpp_tx_active", { cp_id: CP, connector_id: "1" })).toBe(0);
  });

  it("shows the latest power during a transaction (phases summed), and 0 once it ends", async () => {
    const power = (phase: string, value: number): MeterSample => ({
      timestamp: T0 + MINUTE,
      measurand: "Power.Active.Import",
      unit: "W",
      value,
      phase,
    });
    const charging = fold([
      start(0),
      meter(power("L1", 3_700), power("L2", 3_600), power("L3", 3_700)),
    ]);
    const series = async (state: ProjectionState) =>
      sampleValue(await metricsOf(state), "ocpp_cp_power_w", { cp_id: CP, connector_id: "1" });
    expect(await series(charging)).toBe(11_000);
    expect(await series([stop(2, 100)].reduce(evolve, charging))).toBe(0);
  });
});
