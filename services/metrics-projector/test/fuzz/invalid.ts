import { isCpEvent, isEventType, type LevityEvent } from "@levity/events";
import fc from "fast-check";

// Input that must not pass: events broken in one way each (every way breaks the contract by
// construction, so no oracle is needed), and whole messages that are not stored batches.

const ENVELOPE = ["id", "type", "v", "gatewayId", "ts", "payload", "cpId", "sessionId", "callId"];

const requiredFields = (event: LevityEvent) => [
  "id",
  "type",
  "v",
  "gatewayId",
  "ts",
  "payload",
  ...(isCpEvent(event) ? ["cpId", "sessionId"] : []),
];

/** Most fields a string limit applies to, with that limit. */
const LIMITS: Record<string, number> = { id: 255, gatewayId: 128, cpId: 255, sessionId: 64 };

/** A value no envelope field accepts (-1 and 0.5 are not epoch milliseconds). */
const wrongValue = fc.constantFrom<unknown>(null, true, [], -1, 0.5, "");

/** JSON that is not an event: not an object of a known type. */
const notAnEvent = fc
  .jsonValue()
  .filter(
    (value) =>
      typeof value !== "object" ||
      value === null ||
      Array.isArray(value) ||
      !("type" in value && typeof value.type === "string" && isEventType(value.type)),
  );

const unknownType = fc.oneof(
  fc.constantFrom("cp.reboot", "CP.BOOT", "", "__proto__", "constructor", "toString"),
  fc.string().filter((type) => !isEventType(type)),
);

/** One way to break an event; `pick` chooses among the fields it applies to. */
export type Mutation =
  | { readonly kind: "drop-field"; readonly pick: number }
  | { readonly kind: "wrong-v"; readonly value: unknown }
  | { readonly kind: "unknown-type"; readonly value: string }
  | { readonly kind: "wrong-value"; readonly pick: number; readonly value: unknown }
  | { readonly kind: "extra-field"; readonly name: string; readonly inPayload: boolean }
  | { readonly kind: "too-long"; readonly pick: number }
  | { readonly kind: "not-an-event"; readonly value: unknown };

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("drop-field"), pick: fc.nat() }),
  fc.record({
    kind: fc.constant("wrong-v"),
    value: fc.constantFrom<unknown>(0, 3, "2", null, 1.5, true),
  }),
  fc.record({ kind: fc.constant("unknown-type"), value: unknownType }),
  fc.record({ kind: fc.constant("wrong-value"), pick: fc.nat(), value: wrongValue }),
  fc.record({
    kind: fc.constant("extra-field"),
    name: fc.oneof(
      fc.constantFrom("__proto__", "constructor", "extra"),
      fc.string({ minLength: 1 }),
    ),
    inPayload: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("too-long"), pick: fc.nat() }),
  fc.record({ kind: fc.constant("not-an-event"), value: notAnEvent }),
);

const pickOf = <T>(values: readonly T[], pick: number) => values[pick % values.length] as T;

/** The event broken as `mutation` says, as the JSON value a reader would parse. */
export function mutate(event: LevityEvent, mutation: Mutation): unknown {
  // A copy through JSON: keys such as "__proto__" become own properties, as JSON.parse makes them.
  const copy = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
  switch (mutation.kind) {
    case "drop-field":
      delete copy[pickOf(requiredFields(event), mutation.pick)];
      return copy;
    case "wrong-v":
      return { ...copy, v: mutation.value };
    case "unknown-type":
      return { ...copy, type: mutation.value };
    case "wrong-value":
      return { ...copy, [pickOf(requiredFields(event), mutation.pick)]: mutation.value };
    case "extra-field": {
      // Renamed off the envelope's own fields; no payload field accepts an object, so {} breaks
      // the payload even under the name of an optional field it lacks.
      const target = mutation.inPayload ? { ...(copy.payload as object) } : copy;
      const name =
        !mutation.inPayload && ENVELOPE.includes(mutation.name)
          ? `${mutation.name}-`
          : mutation.name;
      // defineProperty, not assignment: "__proto__" must become a field, not a prototype.
      Object.defineProperty(target, name, { value: {}, enumerable: true, writable: true });
      return mutation.inPayload ? { ...copy, payload: target } : target;
    }
    case "too-long": {
      const field = pickOf(Object.keys(LIMITS), mutation.pick);
      return { ...copy, [field]: "x".repeat((LIMITS[field] ?? 0) + 1) };
    }
    case "not-an-event":
      return mutation.value;
  }
}
