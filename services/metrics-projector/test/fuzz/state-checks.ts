import { type MetricSample, parseMetricsText } from "@levity/testkit";
import { expect } from "vitest";
import { renderProjection } from "../../src/metrics/render-projection.js";
import type { ProjectionLimits } from "../../src/state/evolve.js";
import type { ProjectionState } from "../../src/state/projection-state.js";

const byKey = <V>(entries: Iterable<[string, V]>) =>
  [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * The state as plain data, comparable with `toEqual`: maps as entries sorted by key (their
 * iteration order depends on history, not content), except producers, whose order decides which
 * are forgotten first. Passed through JSON because snapshots are JSON: -0 becomes 0, which the
 * metrics render alike.
 */
export function canonical(state: ProjectionState): unknown {
  return JSON.parse(
    JSON.stringify({
      cps: byKey(state.cps),
      sessions: byKey(state.sessions),
      gateways: byKey(state.gateways),
      producers: [...state.producers],
      orphanedTransactions: state.orphanedTransactions,
      dropped: state.dropped,
    }),
  );
}

const isCount = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;
const isMs = (value: unknown) => Number.isInteger(value) && (value as number) >= 0;

/** Checks what must hold of any state `evolve` returns, whatever it was given. */
export function expectWellFormed(state: ProjectionState, limits: ProjectionLimits): void {
  expect(state.cps.size).toBeLessThanOrEqual(limits.maxChargePoints);
  expect(isCount(state.orphanedTransactions)).toBe(true);
  expect(isCount(state.dropped.chargePoints) && isCount(state.dropped.errorTypes)).toBe(true);
  const sessionsOfCps = new Map<string, string>();
  for (const [cpId, cp] of state.cps) {
    const codes = Object.keys(cp.errors);
    expect(codes.length).toBeLessThanOrEqual(limits.maxErrorTypes);
    for (const code of codes) {
      expect(isCount(cp.errors[code]), code).toBe(true);
      expect(cp.errors[code], code).toBeGreaterThan(0);
    }
    expect(Object.keys(cp.lastErrorAt).sort()).toEqual([...codes].sort());
    for (const at of Object.values(cp.lastErrorAt)) expect(isMs(at)).toBe(true);
    for (const count of [cp.boots, cp.disconnects, cp.reconnectsDuringTx, cp.bootsDuringTx])
      expect(isCount(count)).toBe(true);
    expect(isMs(cp.firstSeenAt) && isMs(cp.lastSeenAt) && isMs(cp.lastTransactionAt)).toBe(true);
    for (const connector of Object.values(cp.connectors))
      expect(Number.isFinite(connector.currentA)).toBe(true);
    for (const sessionId of cp.sessions) {
      // A session belongs to one charge point, once.
      expect(sessionsOfCps.has(sessionId)).toBe(false);
      sessionsOfCps.set(sessionId, cpId);
    }
  }
  // Open sessions and the charge points' lists of them are the same set.
  expect(byKey([...state.sessions].map(([id, s]) => [id, s.cpId]))).toEqual(byKey(sessionsOfCps));
}

/** The rendered projection, parsed; fails on a malformed line, a value that is not a number, or a series twice. */
export async function renderedSamples(state: ProjectionState): Promise<readonly MetricSample[]> {
  const { samples } = parseMetricsText(await renderProjection({ state, connected: true }));
  for (const sample of samples) expect(Number.isFinite(sample.value), sample.name).toBe(true);
  const series = samples.map((s) => `${s.name}${JSON.stringify(s.labels)}`);
  expect(new Set(series).size).toBe(series.length);
  return samples;
}

/** What the projection says about the fleet: the series a restart or a poisoned stream must not change. */
export function fleetSeries(samples: readonly MetricSample[]): string[] {
  return samples
    .filter(
      (s) =>
        s.name.startsWith("ocpp_cp_") ||
        s.name === "ocpp_tx_active" ||
        s.name === "ocpp_gateway_up" ||
        s.name === "levity_projector_dropped_total" ||
        s.name === "levity_projector_transactions_orphaned_total",
    )
    .map((s) => `${s.name}${JSON.stringify(s.labels)} ${s.value}`)
    .sort();
}
