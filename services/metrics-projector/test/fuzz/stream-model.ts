import {
  type BatchOrigin,
  batchMessageId,
  encodeBatch,
  encodeBatchOfJson,
  type LevityEvent,
  MAX_EVENTS_PER_BATCH,
} from "@levity/events";
import fc from "fast-check";
import { OrderedMap } from "immutable";
import type { REJECTIONS } from "../../src/metrics/projector-metrics.js";
import type { Evolve } from "../../src/state/evolve.js";
import { EMPTY_STATE, type ProjectionState } from "../../src/state/projection-state.js";
import { eventArbitrary, type World } from "./arbitraries.js";
import { mutate, mutationArbitrary } from "./invalid.js";

// A stream as hostile producers could fill it: valid batches, batches with broken events,
// messages that are not batches at all, and batches published again past the duplicate window.
// Each generated stream comes with what the projector must make of it.

const encoder = new TextEncoder();

/** One event of a batch as stored: its JSON, and the event when it is valid. */
interface Item {
  readonly json: string;
  readonly event?: LevityEvent;
}

/** One stream message: where it is published, with which id, and the batch it holds if any. */
export interface PlannedMessage {
  readonly producer: string;
  readonly messageId: string;
  readonly data: Uint8Array;
  readonly what: string;
  readonly batch?: BatchOrigin & {
    readonly events: readonly LevityEvent[];
    readonly broken: number;
  };
}

/** JSON that keeps an Infinity the serialiser would write as null: `1e999` parses as Infinity. */
function withInfiniteTs(event: LevityEvent): string {
  return JSON.stringify({ ...event, ts: 0 }).replace('"ts":0', '"ts":1e999');
}

const DEEP = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;

const validItem = (world: World): fc.Arbitrary<Item> =>
  eventArbitrary(world).map((event) => ({ json: JSON.stringify(event), event }));

/** An event broken in one of the ways of `mutate`, or in a way only raw JSON can express. */
const brokenItem = (world: World): fc.Arbitrary<Item> =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(eventArbitrary(world), mutationArbitrary)
        .map(([event, mutation]) => ({ json: JSON.stringify(mutate(event, mutation)) })),
    },
    eventArbitrary(world).map((event) => ({ json: withInfiniteTs(event) })),
    fc.constantFrom({ json: DEEP }, { json: '{"__proto__":{"type":"cp.heartbeat","v":1}}' }),
  );

const itemArbitrary = (world: World): fc.Arbitrary<Item> =>
  fc.oneof({ weight: 3, arbitrary: validItem(world) }, brokenItem(world));

/** A stored batch as generated, its events valid or not. */
interface GeneratedBatch {
  readonly producer: string;
  readonly instance: string;
  readonly numbered: boolean;
  readonly items: readonly Item[];
}

const batchArbitrary = (world: World): fc.Arbitrary<GeneratedBatch> =>
  fc.record({
    producer: fc.constantFrom("gw-a", "gw-b", "gw.*>"),
    instance: fc.constantFrom("a1", "a2"),
    numbered: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, fc.constant(false)),
    items: fc.array(itemArbitrary(world), { minLength: 1, maxLength: 12 }),
  });

/** A valid batch wrapper broken in one way, or bytes that are no batch at all. */
export const garbageArbitrary: fc.Arbitrary<{ what: string; data: Uint8Array }> = fc.oneof(
  fc.uint8Array({ maxLength: 256 }).map((data) => ({ what: "random bytes", data })),
  fc
    .string({ unit: "binary" })
    .filter((text) => {
      try {
        JSON.parse(text);
        return false;
      } catch {
        return true;
      }
    })
    .map((text) => ({ what: "not JSON", data: encoder.encode(text) })),
  fc
    .jsonValue()
    .filter((value) => typeof value !== "object" || value === null || !("events" in value))
    .map((value) => ({ what: "JSON, not a batch", data: encoder.encode(JSON.stringify(value)) })),
  fc
    .constantFrom<Record<string, unknown>>(
      { v: 2 },
      { batch: 0 },
      { batch: 1.5 },
      { events: [] },
      { events: {} },
      { events: Array.from({ length: MAX_EVENTS_PER_BATCH + 1 }, () => 1) },
      { producer: "" },
      { instance: "i".repeat(65) },
      { extra: true },
    )
    .map((change) => ({
      what: `batch wrapper with ${JSON.stringify(change).slice(0, 40)}`,
      data: encoder.encode(
        JSON.stringify({ v: 1, producer: "gw-a", instance: "z", batch: 1, events: [1], ...change }),
      ),
    })),
  fc.nat().map((cut) => {
    const whole = encodeBatch({ producer: "gw-a", instance: "z", batch: 1, events: [] });
    return { what: "truncated batch", data: whole.slice(0, cut % whole.length) };
  }),
  fc.constant({ what: "deeply nested JSON", data: encoder.encode(DEEP) }),
);

type Generated =
  | { readonly kind: "batch"; readonly batch: GeneratedBatch }
  | { readonly kind: "garbage"; readonly what: string; readonly data: Uint8Array }
  /** A batch published again: `back` batches before the latest, wrapping around. */
  | { readonly kind: "again"; readonly back: number };

function phaseArbitrary(world: World, maxLength: number): fc.Arbitrary<Generated[]> {
  const message: fc.Arbitrary<Generated> = fc.oneof(
    {
      weight: 5,
      arbitrary: batchArbitrary(world).map((batch) => ({ kind: "batch", batch }) as const),
    },
    { weight: 2, arbitrary: garbageArbitrary.map((g) => ({ kind: "garbage", ...g }) as const) },
    { weight: 1, arbitrary: fc.nat().map((back) => ({ kind: "again", back }) as const) },
  );
  // Every phase ends with each kind of rejection, so that none goes unexercised by chance.
  return fc
    .tuple(
      fc.array(message, { maxLength }),
      garbageArbitrary,
      batchArbitrary(world),
      validItem(world),
      brokenItem(world),
    )
    .map(([messages, garbage, batch, ...extra]) => [
      ...messages,
      { kind: "garbage", ...garbage },
      {
        kind: "batch",
        batch: { ...batch, numbered: true, items: [...batch.items, ...extra] },
      },
      { kind: "again", back: 0 },
    ]);
}

/**
 * Streams in `phases` parts (published one after the other), planned: batch numbers given,
 * re-publications resolved. Each part holds a garbage message and a re-published batch.
 */
export function streamArbitrary(
  world: World,
  phases = 1,
  maxLength = 20,
): fc.Arbitrary<PlannedMessage[][]> {
  return fc
    .array(phaseArbitrary(world, maxLength), { minLength: phases, maxLength: phases })
    .map(plan);
}

function plan(phases: readonly (readonly Generated[])[]): PlannedMessage[][] {
  const numbers = new Map<string, number>();
  const batches: PlannedMessage[] = [];
  let index = 0;
  return phases.map((phase) =>
    phase.flatMap((message): PlannedMessage[] => {
      index += 1;
      if (message.kind === "garbage") {
        const { what, data } = message;
        return [{ producer: "gw.*>", messageId: `garbage-${index}`, what, data }];
      }
      if (message.kind === "again") {
        const original = batches[batches.length - 1 - (message.back % Math.max(1, batches.length))];
        return original ? [{ ...original, what: `${original.what} again` }] : [];
      }
      const { producer, instance, numbered, items } = message.batch;
      const key = `${producer}/${instance}`;
      const batch = numbered ? (numbers.get(key) ?? 0) + 1 : undefined;
      if (batch !== undefined) numbers.set(key, batch);
      const origin: BatchOrigin =
        batch === undefined ? { producer, instance } : { producer, instance, batch };
      const events = items.flatMap((item) => (item.event ? [item.event] : []));
      const planned: PlannedMessage = {
        producer,
        messageId:
          batch === undefined
            ? `${producer}/${instance}/unnumbered-${index}`
            : batchMessageId(producer, instance, batch),
        data: encodeBatchOfJson(
          origin,
          items.map((item) => item.json),
        ),
        what: `batch of ${events.length} valid and ${items.length - events.length} broken events`,
        batch: { ...origin, events, broken: items.length - events.length },
      };
      batches.push(planned);
      return [planned];
    }),
  );
}

export type Rejections = Record<(typeof REJECTIONS)[number], number>;

/** What the projector must show after reading `messages`: the state of the valid events alone, and each rejection counted. */
export function expectedOutcome(
  messages: readonly PlannedMessage[],
  evolve: Evolve,
  from: { state: ProjectionState; rejected: Rejections } = {
    state: EMPTY_STATE,
    rejected: { "unreadable-message": 0, "contract-violation": 0, "duplicate-batch": 0 },
  },
): { state: ProjectionState; rejected: Rejections } {
  const last = new Map(from.state.producers);
  let state = from.state;
  const rejected = { ...from.rejected };
  for (const { batch } of messages) {
    if (!batch) {
      rejected["unreadable-message"] += 1;
      continue;
    }
    rejected["contract-violation"] += batch.broken;
    const key = `${batch.producer}/${batch.instance}`;
    if (batch.batch !== undefined && (last.get(key) ?? 0) >= batch.batch) {
      rejected["duplicate-batch"] += batch.events.length;
      continue;
    }
    state = batch.events.reduce(evolve, state);
    if (batch.batch !== undefined) last.set(key, batch.batch);
  }
  return { state: { ...state, producers: OrderedMap(last) }, rejected };
}
