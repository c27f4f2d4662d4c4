import { type DecodedBatch, isCpEvent, type LevityEvent, validateEvent } from "@levity/events";
import { cpEvent, gatewayEvent } from "@levity/events/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeSnapshot, encodeSnapshot } from "../../src/snapshots/snapshot-codec.js";
import { applyBatch, createEvolve, type ProjectionLimits } from "../../src/state/evolve.js";
import { EMPTY_STATE, type ProjectionState } from "../../src/state/projection-state.js";
import { eventsArbitrary, PROTOTYPE_KEYS, type World } from "./arbitraries.js";
import { canonical, expectWellFormed, fleetSeries, renderedSamples } from "./state-checks.js";

// The pure core under random valid input: `evolve` and `applyBatch` must never throw, must give
// the same state for the same events however they are batched, must keep within their limits,
// and what they give must survive a snapshot.

const LIMITS: ProjectionLimits = { maxChargePoints: 100_000, maxErrorTypes: 32 };
const evolve = createEvolve(LIMITS);
const asJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
const fold = (events: readonly LevityEvent[], from: ProjectionState = EMPTY_STATE) =>
  events.reduce(evolve, from);

/** Cuts `events` at `cuts` into the stored batches of one producer instance, numbered from 1. */
function batchesOf(events: readonly LevityEvent[], cuts: readonly number[]): DecodedBatch[] {
  const bounds = [...new Set([0, ...cuts.map((cut) => cut % (events.length + 1)), events.length])];
  bounds.sort((a, b) => a - b);
  return bounds.slice(1).map((end, index) => ({
    producer: "gw-a",
    instance: "a1",
    batch: index + 1,
    events: events.slice(bounds[index], end),
    rejected: [],
  }));
}

const eventsAndCuts = fc.record({
  events: eventsArbitrary(),
  cuts: fc.array(fc.nat(), { maxLength: 6 }),
});

describe("fuzz: evolve over any valid events", () => {
  it("is given only events the contract accepts", () => {
    fc.assert(
      fc.property(eventsArbitrary(), (events) => {
        for (const event of events)
          expect(validateEvent(asJson(event))).toMatchObject({ ok: true });
      }),
    );
  });

  it("never throws, and always gives a well-formed state that renders as valid metrics", async () => {
    await fc.assert(
      fc.asyncProperty(eventsArbitrary(), async (events) => {
        const state = fold(events);
        expectWellFormed(state, LIMITS);
        await renderedSamples(state);
      }),
    );
  });

  it("is deterministic and leaves its inputs untouched", () => {
    fc.assert(
      fc.property(eventsArbitrary(), eventsArbitrary(), (first, then) => {
        const start = fold(first);
        const startBefore = canonical(start);
        const copy = structuredClone(then);
        const once = fold(then, start);
        expect(canonical(fold(JSON.parse(JSON.stringify(then)), start))).toEqual(canonical(once));
        expect(canonical(start)).toEqual(startBefore);
        expect(then).toEqual(copy);
      }),
    );
  });

  it("gives the same state however the events are split into stored batches", () => {
    fc.assert(
      fc.property(eventsAndCuts, ({ events, cuts }) => {
        let state = EMPTY_STATE;
        for (const batch of batchesOf(events, cuts)) {
          const applied = applyBatch(state, batch, evolve);
          expect(applied.duplicate).toBe(false);
          state = applied.state;
        }
        const expected = { ...fold(events), producers: state.producers };
        expect(canonical(state)).toEqual(canonical(expected));
      }),
    );
  });

  it("skips a re-published batch whole, leaving the state as it was", () => {
    fc.assert(
      fc.property(eventsAndCuts, fc.nat(), ({ events, cuts }, pick) => {
        const batches = batchesOf(events, cuts);
        fc.pre(batches.length > 0);
        const state = batches.reduce((s, batch) => applyBatch(s, batch, evolve).state, EMPTY_STATE);
        const again = applyBatch(state, batches[pick % batches.length] as DecodedBatch, evolve);
        expect(again.duplicate).toBe(true);
        expect(again.state).toBe(state);
      }),
    );
  });

  it("round-trips any state through a snapshot, and folds on from it as from the original", async () => {
    await fc.assert(
      fc.asyncProperty(eventsArbitrary(), eventsArbitrary(), async (before, after) => {
        const state = fold(before);
        const decoded = await decodeSnapshot(
          await encodeSnapshot({ sequence: before.length, takenAt: 1, state }),
        );
        if (!decoded.ok) expect.fail(decoded.reason);
        expect(decoded.snapshot.sequence).toBe(before.length);
        const restored = decoded.snapshot.state;
        expect(canonical(restored)).toEqual(canonical(state));
        expect(fleetSeries(await renderedSamples(restored))).toEqual(
          fleetSeries(await renderedSamples(state)),
        );
        expect(canonical(fold(after, restored))).toEqual(canonical(fold(after, state)));
      }),
      { numRuns: 50 },
    );
  });
});

describe("the contract's size limits", () => {
  it("folds events at every limit: 2000 samples, longest ids, connector 65535, extreme numbers", async () => {
    const at = 1_700_000_000_000;
    const samples = Array.from({ length: 2000 }, (_, i) => ({
      timestamp: at + (i % 7),
      measurand: "Current.Import",
      unit: "A",
      value: i,
      ...(i % 2 === 1 ? { phase: `L${(i % 3) + 1}` } : {}),
    }));
    const where = {
      id: "x".repeat(255),
      cpId: "🚗".repeat(255),
      sessionId: "s".repeat(64),
      gatewayId: "g".repeat(128),
    };
    const tx = "t".repeat(64);
    const events = [
      cpEvent("session.opened", { protocol: "p".repeat(32), instance: "i".repeat(64) }, where),
      cpEvent(
        "tx.started",
        {
          evseId: 65535,
          connectorId: 65535,
          transactionId: tx,
          idTag: "",
          meterStartWh: -Number.MAX_VALUE,
          timestamp: Number.MAX_VALUE,
        },
        where,
      ),
      cpEvent("meter.values", { evseId: 65535, transactionId: tx, samples }, where),
      cpEvent(
        "tx.stopped",
        { transactionId: tx, meterStopWh: Number.MAX_VALUE, timestamp: 0, samples },
        where,
      ),
    ];
    for (const event of events) expect(validateEvent(asJson(event))).toMatchObject({ ok: true });
    // The latest samples (timestamp at + 6) without a phase: i = 6 (mod 14), the last one 1994.
    const charging = fold(events.slice(0, 3)).cps.get(where.cpId)?.connectors["65535"];
    expect(charging).toMatchObject({
      transaction: { id: tx, energyWh: 0, registerWh: -Number.MAX_VALUE },
      currentA: 1994,
      powerW: 0,
    });
    const state = fold(events);
    expect(state.cps.get(where.cpId)?.connectors["65535"]).toEqual({
      transaction: null,
      currentA: 0,
      powerW: 0,
    });
    // A stop register of MAX_VALUE over the most negative start is no honest climb: nothing counted.
    expect(state.cps.get(where.cpId)?.energyWh).toBe(0);
    expectWellFormed(state, LIMITS);
    await renderedSamples(state);
  });
});

describe("fuzz: the projection's limits", () => {
  const limits: ProjectionLimits = { maxChargePoints: 3, maxErrorTypes: 2 };
  const capped = createEvolve(limits);
  const crowded: World = {
    cpIds: [...Array.from({ length: 10 }, (_, i) => `CP-${i}`), ...PROTOTYPE_KEYS],
    errorCodes: ["NoError", ...Array.from({ length: 8 }, (_, i) => `E${i}`), ...PROTOTYPE_KEYS],
  };

  /** What one event may change when the charge point or its error code is over a limit. */
  function expectStepWithinLimits(before: ProjectionState, event: LevityEvent) {
    const after = capped(before, event);
    const overCpLimit =
      isCpEvent(event) && !before.cps.has(event.cpId) && before.cps.size >= limits.maxChargePoints;
    if (overCpLimit) {
      // Dropped: nothing changes but the count of what was dropped.
      expect({ ...after, dropped: before.dropped }).toEqual(before);
      expect(after.cps).toBe(before.cps);
      expect(after.dropped.chargePoints).toBe(before.dropped.chargePoints + 1);
      return after;
    }
    expect(after.dropped.chargePoints).toBe(before.dropped.chargePoints);
    if (event.type !== "cp.fault" || !event.payload.active) {
      expect(after.dropped.errorTypes).toBe(before.dropped.errorTypes);
      return after;
    }
    const code = event.payload.code;
    const errorsBefore = before.cps.get(event.cpId)?.errors ?? {};
    const errorsAfter = after.cps.get(event.cpId)?.errors ?? {};
    const known = Object.hasOwn(errorsBefore, code);
    if (!known && Object.keys(errorsBefore).length >= limits.maxErrorTypes) {
      expect(errorsAfter).toEqual(errorsBefore);
      expect(after.dropped.errorTypes).toBe(before.dropped.errorTypes + 1);
    } else {
      expect(errorsAfter).toEqual({
        ...errorsBefore,
        [code]: known ? (errorsBefore[code] ?? 0) + 1 : 1,
      });
      expect(after.dropped.errorTypes).toBe(before.dropped.errorTypes);
    }
    return after;
  }

  it("keeps at most maxChargePoints and maxErrorTypes, counting each event and code dropped", () => {
    fc.assert(
      fc.property(eventsArbitrary(crowded, 120), (events) => {
        let state = EMPTY_STATE;
        for (const event of events) {
          state = expectStepWithinLimits(state, event);
          expectWellFormed(state, limits);
        }
      }),
    );
  });
});

describe("fuzz regressions: inputs that once broke the projection", () => {
  it("counts an error code named after an Object.prototype member like any other", async () => {
    const ts = 1_700_000_000_000;
    const events = PROTOTYPE_KEYS.map((errorCode) =>
      cpEvent("cp.fault", { evseId: 1, connectorId: 1, code: errorCode, active: true }, { ts }),
    );
    const state = fold([...events, ...events]);
    const cp = state.cps.get("CP-1");
    expect(cp?.errors).toEqual(Object.fromEntries(PROTOTYPE_KEYS.map((code) => [code, 2])));
    expect(cp?.lastErrorAt).toEqual(Object.fromEntries(PROTOTYPE_KEYS.map((code) => [code, ts])));
    const one = events.reduce(createEvolve({ maxChargePoints: 10, maxErrorTypes: 1 }), EMPTY_STATE);
    expect(Object.entries(one.cps.get("CP-1")?.errors ?? {})).toEqual([[PROTOTYPE_KEYS[0], 1]]);
    expect(one.dropped.errorTypes).toBe(PROTOTYPE_KEYS.length - 1);
    await renderedSamples(state);
  });

  it("closes every session of a stopping gateway when the stop is in the same batch", () => {
    const events = [
      gatewayEvent("gateway.alive", { instance: "a1", startedAt: 0, sessions: 0 }),
      ...[1, 2, 3, 4, 5].map((n) =>
        cpEvent(
          "session.opened",
          { protocol: "ocpp1.6", instance: "a1" },
          { cpId: `CP-${n}`, sessionId: `s${n}` },
        ),
      ),
      gatewayEvent("gateway.stopped", { instance: "a1" }),
    ];
    const batch = { producer: "gw-1", instance: "a1", batch: 1, events, rejected: [] };
    const applied = applyBatch(EMPTY_STATE, batch, evolve).state;
    expect(applied.sessions.size).toBe(0);
    expect(canonical({ ...applied, producers: EMPTY_STATE.producers })).toEqual(
      canonical(fold(events)),
    );
  });
});
