import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { err, ok, type Result } from "../result.js";
import {
  EVENT_TYPES,
  type EventType,
  eventSchemas,
  isEventType,
  type LevityEvent,
} from "./events.js";

/** Why a value is not a valid event: where, and what rule it broke. */
export interface ContractViolation {
  readonly type: string | undefined;
  readonly path: string;
  readonly message: string;
}

const ajv = new Ajv({ allErrors: false, strict: true });
// Compiled once at load; validation then costs a single call per event.
const validators = new Map<EventType, ValidateFunction>(
  EVENT_TYPES.map((type) => [type, ajv.compile(eventSchemas[type])]),
);

function describe(error: ErrorObject | undefined): { path: string; message: string } {
  if (!error) return { path: "", message: "invalid" };
  const extra =
    error.keyword === "additionalProperties"
      ? ` (${String((error.params as { additionalProperty?: unknown }).additionalProperty)})`
      : "";
  return { path: error.instancePath, message: `${error.message ?? error.keyword}${extra}` };
}

/** Checks a decoded value against the contract: a typed event, or the first rule it breaks. */
export function validateEvent(value: unknown): Result<LevityEvent, ContractViolation> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return err({ type: undefined, path: "", message: "event must be an object" });
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== "string" || !isEventType(type)) {
    return err({
      type: typeof type === "string" ? type : undefined,
      path: "/type",
      message: "unknown event type",
    });
  }
  const validate = validators.get(type);
  if (validate?.(value)) return ok(value as LevityEvent);
  return err({ type, ...describe(validate?.errors?.[0]) });
}
