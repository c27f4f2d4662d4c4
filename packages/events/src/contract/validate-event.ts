import type { TObject } from "@sinclair/typebox";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { err, ok, type Result } from "../result.js";
import { EVENT_VERSION, eventSchemas, type LevityEvent } from "./events.js";
import { EVENT_VERSION_1, eventSchemasV1, type LevityEventV1 } from "./v1/events-v1.js";
import { upcastV1 } from "./v1/upcast-v1.js";

/** Why a value is not a valid event: where, and what rule it broke. */
export interface ContractViolation {
  readonly type: string | undefined;
  readonly path: string;
  readonly message: string;
}

const ajv = new Ajv({ allErrors: false, strict: true });

/**
 * Validators of one version's event types, each compiled on its type's first event (compiling
 * every version's at load took a quarter of a second of each service's start): one call per event
 * after.
 */
function validatorsOnFirstUse(
  schemas: Readonly<Record<string, TObject>>,
): (type: string) => ValidateFunction | undefined {
  const compiled = new Map<string, ValidateFunction>();
  return (type) => {
    const known = compiled.get(type);
    if (known) return known;
    const schema = Object.hasOwn(schemas, type) ? schemas[type] : undefined;
    if (!schema) return undefined;
    const validate = ajv.compile(schema);
    compiled.set(type, validate);
    return validate;
  };
}

const current = validatorsOnFirstUse(eventSchemas);
const version1 = validatorsOnFirstUse(eventSchemasV1);

function describe(error: ErrorObject | undefined): { path: string; message: string } {
  if (!error) return { path: "", message: "invalid" };
  const extra =
    error.keyword === "additionalProperties"
      ? ` (${String((error.params as { additionalProperty?: unknown }).additionalProperty)})`
      : "";
  return { path: error.instancePath, message: `${error.message ?? error.keyword}${extra}` };
}

function check<T>(
  value: unknown,
  validatorOf: (type: string) => ValidateFunction | undefined,
): Result<T, ContractViolation> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return err({ type: undefined, path: "", message: "event must be an object" });
  }
  const type = (value as { type?: unknown }).type;
  const validate = typeof type === "string" ? validatorOf(type) : undefined;
  if (!validate) {
    return err({
      type: typeof type === "string" ? type : undefined,
      path: "/type",
      message: "unknown event type",
    });
  }
  if (validate(value)) return ok(value as T);
  return err({ type: type as string, ...describe(validate.errors?.[0]) });
}

/** Checks a value against the current contract: a typed event, or the first rule it breaks. */
export function validateEvent(value: unknown): Result<LevityEvent, ContractViolation> {
  return check<LevityEvent>(value, current);
}

type Reader = (value: unknown) => Result<readonly LevityEvent[], ContractViolation>;

/** How to read each stored version: its own contract first, then the upcast to the current one. */
const readCurrent: Reader = (value) => mapOk(validateEvent(value), (event) => [event]);
const READERS = new Map<unknown, Reader>([
  [EVENT_VERSION, readCurrent],
  [EVENT_VERSION_1, (value) => mapOk(check<LevityEventV1>(value, version1), upcastV1)],
]);

function mapOk<T, U>(
  result: Result<T, ContractViolation>,
  map: (value: T) => U,
): Result<U, ContractViolation> {
  return result.ok ? ok(map(result.value)) : result;
}

/**
 * Reads a stored event of any version: checked against its own version's contract, then upcast
 * to the current one. One stored event may stand for more than one current event. A value of no
 * known version is judged by the current contract, which names what is wrong with it.
 */
export function readEvent(value: unknown): Result<readonly LevityEvent[], ContractViolation> {
  const version =
    typeof value === "object" && value !== null ? (value as { v?: unknown }).v : undefined;
  return (READERS.get(version) ?? readCurrent)(value);
}
