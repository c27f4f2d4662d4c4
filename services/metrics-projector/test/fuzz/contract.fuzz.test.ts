import {
  decodeBatch,
  EVENT_VERSION,
  encodeBatchOfJson,
  InProcessEventLog,
  validateEvent,
} from "@levity/events";
import { cpEvent } from "@levity/events/testing";
import { createLogger } from "@levity/service-kit";
import { parseMetricsText, sampleValue } from "@levity/testkit";
import fc from "fast-check";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { REJECTIONS } from "../../src/metrics/projector-metrics.js";
import { startProjector } from "../../src/projector.js";
import { InMemorySnapshotStore, type SnapshotStore } from "../../src/snapshots/snapshot-store.js";
import { applyBatch, createEvolve } from "../../src/state/evolve.js";
import { EMPTY_STATE } from "../../src/state/projection-state.js";
import { DEFAULT_WORLD, eventArbitrary } from "./arbitraries.js";
import { mutate, mutationArbitrary } from "./invalid.js";
import { canonical, fleetSeries, renderedSamples } from "./state-checks.js";
import {
  expectedOutcome,
  garbageArbitrary,
  type Rejections,
  streamArbitrary,
} from "./stream-model.js";

// What breaks the contract must be counted and skipped, never applied: per event (the contract's
// validators), per message (the batch codec), and through the projector's runner on a real log.

const evolve = createEvolve({ maxChargePoints: 100_000, maxErrorTypes: 32 });
const asJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

async function textOf(chunks: AsyncIterable<string>): Promise<string> {
  let text = "";
  for await (const chunk of chunks) text += chunk;
  return text;
}

describe("fuzz: events that break the contract", () => {
  it("are each rejected by the contract's validation", () => {
    fc.assert(
      fc.property(eventArbitrary(), mutationArbitrary, (event, mutation) => {
        expect(validateEvent(asJson(mutate(event, mutation))).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it("are skipped from their batch, which keeps the state of its valid events alone", () => {
    const item = fc.oneof(
      eventArbitrary().map((event) => ({ event, json: JSON.stringify(event) })),
      fc.tuple(eventArbitrary(), mutationArbitrary).map(([event, mutation]) => ({
        event: undefined,
        json: JSON.stringify(mutate(event, mutation)),
      })),
    );
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 40 }), (items) => {
        const data = encodeBatchOfJson(
          { producer: "gw-a", instance: "a1", batch: 1 },
          items.map((i) => i.json),
        );
        const decoded = decodeBatch(data);
        if (!decoded.ok) return expect.fail(decoded.error);
        const valid = items.flatMap((i) => (i.event ? [i.event] : []));
        expect(decoded.value.events).toEqual(asJson(valid));
        expect(decoded.value.rejected.map((r) => r.index)).toEqual(
          items.flatMap((i, index) => (i.event ? [] : [index])),
        );
        const applied = applyBatch(EMPTY_STATE, decoded.value, evolve).state;
        expect(canonical({ ...applied, producers: EMPTY_STATE.producers })).toEqual(
          canonical(valid.reduce(evolve, EMPTY_STATE)),
        );
      }),
    );
  });
});

describe("fuzz: messages that are not stored batches", () => {
  it("are unreadable, whatever their bytes", () => {
    fc.assert(
      fc.property(garbageArbitrary, ({ data }) => {
        expect(decodeBatch(data).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe("fuzz regressions: events the contract must refuse", () => {
  const boot = JSON.stringify(cpEvent("cp.boot", { vendor: "ACME", model: "X" }));
  const sample = { timestamp: 0, measurand: "Voltage", value: 0, unit: "V" };
  const meter = JSON.stringify(cpEvent("meter.values", { evseId: 1, samples: [sample] }));
  it.each([
    ["a ts of 1e999, which parses as Infinity", boot.replace(/"ts":\d+/, '"ts":1e999')],
    ["a meter value of -1e999", meter.replace('"value":0', '"value":-1e999')],
    ["an event hidden under __proto__", `{"__proto__":${boot}}`],
    ["a __proto__ field beside valid ones", boot.replace("{", '{"__proto__":{},')],
    ["a v of 1.0000000000000002", boot.replace(`"v":${EVENT_VERSION}`, '"v":1.0000000000000002')],
    ["20 000 nested arrays", `${"[".repeat(20_000)}${"]".repeat(20_000)}`],
  ])("refuses %s", (_name, eventJson) => {
    const decoded = decodeBatch(encodeBatchOfJson({ producer: "p", instance: "i" }, [eventJson]));
    expect(decoded.ok && decoded.value.events).toEqual([]);
    expect(decoded.ok && decoded.value.rejected.map((r) => r.index)).toEqual([0]);
  });
});

describe("fuzz: the projector over a log holding garbage", () => {
  const limits = { maxProjectedChargePoints: 4, maxErrorTypes: 3 };
  const settings = {
    gatewayTimeout: 86_400,
    maxStaleness: 10,
    snapshotEvery: 1e6,
    snapshotInterval: 86_400,
    ...limits,
  };
  const capped = createEvolve({
    maxChargePoints: limits.maxProjectedChargePoints,
    maxErrorTypes: limits.maxErrorTypes,
  });
  const silent = createLogger({ service: "fuzz", level: "silent" });

  async function project(log: InProcessEventLog, snapshots: SnapshotStore) {
    const registry = new Registry();
    const projector = await startProjector(settings, {
      log,
      snapshots,
      connected: () => true,
      registry,
      logger: silent,
    });
    await projector.whenReady();
    const own = parseMetricsText(await registry.metrics());
    const rejected = Object.fromEntries(
      REJECTIONS.map((reason) => [
        reason,
        sampleValue(own, "levity_projector_events_rejected_total", { reason }),
      ]),
    ) as Rejections;
    const fleet = fleetSeries(parseMetricsText(await textOf(projector.renderMetrics())).samples);
    await projector.stop();
    return { state: projector.state(), rejected, fleet };
  }

  it("counts each rejection by reason, applies only valid events, and replays to the same state", async () => {
    const none: Rejections = {
      "unreadable-message": 0,
      "contract-violation": 0,
      "duplicate-batch": 0,
    };
    await fc.assert(
      fc.asyncProperty(streamArbitrary(DEFAULT_WORLD), async ([messages = []]) => {
        // Each append lands past the previous one's duplicate window, so re-published batches are
        // stored again and only the projector can recognise them.
        let clock = 0;
        const log = new InProcessEventLog({ duplicateWindowMs: 1, now: () => (clock += 10) });
        for (const { producer, messageId, data } of messages) {
          expect((await log.append({ producer, messageId, data })).duplicate).toBe(false);
        }
        const expected = expectedOutcome(messages, capped);
        const expectedFleet = fleetSeries(await renderedSamples(expected.state));

        const snapshots = new InMemorySnapshotStore();
        const first = await project(log, snapshots);
        expect(canonical(first.state)).toEqual(canonical(expected.state));
        expect(first.rejected).toEqual(expected.rejected);
        expect(first.fleet).toEqual(expectedFleet);

        // From the snapshot the first wrote on stopping: nothing left to read, nothing rejected.
        const restored = await project(log, snapshots);
        expect(canonical(restored.state)).toEqual(canonical(expected.state));
        expect(restored.rejected).toEqual(none);

        // From nothing: the same garbage read again, counted again, and the same state.
        const replayed = await project(log, new InMemorySnapshotStore());
        expect(canonical(replayed.state)).toEqual(canonical(expected.state));
        expect(replayed.rejected).toEqual(expected.rejected);
        expect(replayed.fleet).toEqual(expectedFleet);
      }),
      { numRuns: 40 },
    );
  });
});
