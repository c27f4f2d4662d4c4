import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import type { RpcErrorKind } from "../rpc/error-codes.js";

/** Why a payload does not match its schema, classified as an OCPP error kind. */
export interface PayloadViolation {
  readonly kind: RpcErrorKind;
  readonly path: string;
  readonly message: string;
}

/** Validates the payloads of one OCPP version's messages against its JSON schemas. */
export interface MessageValidator {
  /** Actions whose requests this validator knows. */
  readonly actions: ReadonlySet<string>;
  validateRequest(action: string, payload: unknown): PayloadViolation | undefined;
  validateResponse(action: string, payload: unknown): PayloadViolation | undefined;
}

/** Where one version keeps the schemas of an action's request and response. */
export interface SchemaLocator {
  request(action: string): string;
  response(action: string): string;
}

type JsonSchema = { readonly $id: string; readonly [key: string]: unknown };

// ajv-formats is CommonJS; its default export is the plugin function under ESM interop.
const addFormats = addFormatsModule as unknown as (
  ajv: Ajv,
  options: { mode: "fast" | "full" },
) => Ajv;

// ajv-formats' "fast" date-time: the shape of an RFC 3339 date-time, not its calendar.
const DATE_TIME_SHAPE =
  /^\d\d\d\d-[0-1]\d-[0-3]\dt(?:[0-2]\d:[0-5]\d:[0-5]\d|23:59:60)(?:\.\d+)?(?:z|[+-]\d\d(?::?\d\d)?)$/i;

/**
 * A date-time of the right shape that also names an instant: "2024-19-39T29:00:00Z" has the shape
 * but Date.parse gives NaN, which would reach the events as null. Date.parse is much cheaper than
 * the full calendar check; JavaScript has no leap seconds, so it refuses 23:59:60 too.
 */
function isDateTime(text: string): boolean {
  return DATE_TIME_SHAPE.test(text) && !Number.isNaN(Date.parse(text));
}

const KIND_BY_KEYWORD: Readonly<Record<string, RpcErrorKind>> = {
  minItems: "occurrence",
  maxItems: "occurrence",
  uniqueItems: "occurrence",
  type: "type",
  enum: "property",
  const: "property",
  format: "property",
  pattern: "property",
  maxLength: "property",
  minLength: "property",
  maximum: "property",
  minimum: "property",
  exclusiveMaximum: "property",
  exclusiveMinimum: "property",
  multipleOf: "property",
};

function classify(error: ErrorObject | undefined): PayloadViolation {
  if (!error) return { kind: "formation", path: "", message: "payload is invalid" };
  const path = error.instancePath;
  const params = error.params as { missingProperty?: unknown; additionalProperty?: unknown };
  if (error.keyword === "required") {
    const field = `${path}/${String(params.missingProperty)}`;
    return { kind: "occurrence", path: field, message: `missing required property ${field}` };
  }
  if (error.keyword === "additionalProperties") {
    const field = `${path}/${String(params.additionalProperty)}`;
    return { kind: "formation", path: field, message: `unexpected property ${field}` };
  }
  // A payload that is not even an object does not conform to the PDU structure.
  const kind =
    error.keyword === "type" && path === ""
      ? "formation"
      : (KIND_BY_KEYWORD[error.keyword] ?? "formation");
  return { kind, path, message: `${path || "payload"} ${error.message ?? error.keyword}` };
}

/**
 * Compiles, once each, the request and response schemas of `actions` from a version's schema
 * bundle, on an action's first use: compiling them all at load took about half a second of every
 * service's start. `$schema` and `$id` are dropped: the bundle's schemas are valid under ajv's
 * default draft, their references are all internal, and URN ids without a namespace trip ajv's
 * URI parser.
 */
export function createMessageValidator(
  bundle: readonly JsonSchema[],
  locate: SchemaLocator,
  actions: readonly string[],
): MessageValidator {
  const ajv = new Ajv({ strict: false, allErrors: false, multipleOfPrecision: 6 });
  // "fast" formats check the shape (an RFC 3339 date-time with its offset) without the full
  // calendar validation, which costs more per MeterValues than everything else in the schema.
  addFormats(ajv, { mode: "fast" });
  ajv.addFormat("date-time", isDateTime);
  const byId = new Map(bundle.map((schema) => [schema.$id, schema]));
  const schemaOf = (id: string): JsonSchema => {
    const schema = byId.get(id);
    if (!schema) throw new Error(`schema ${id} is missing from the bundle`);
    return schema;
  };
  // Each schema is looked up now, so a missing one is a bug found at load, not at first use.
  const onFirstUse = (id: (action: string) => string) => {
    const schemas = new Map(actions.map((action) => [action, schemaOf(id(action))]));
    const compiled = new Map<string, ValidateFunction>();
    return (action: string): ValidateFunction | undefined => {
      const known = compiled.get(action);
      if (known) return known;
      const schema = schemas.get(action);
      if (!schema) return undefined;
      const { $schema: _draft, $id: _id, ...rest } = schema;
      const validate = ajv.compile(rest);
      compiled.set(action, validate);
      return validate;
    };
  };
  const requests = onFirstUse(locate.request);
  const responses = onFirstUse(locate.response);
  const check = (validatorOf: typeof requests, action: string, payload: unknown) => {
    const validate = validatorOf(action);
    if (!validate)
      return { kind: "notImplemented", path: "", message: `unknown action ${action}` } as const;
    return validate(payload) ? undefined : classify(validate.errors?.[0]);
  };
  return {
    actions: new Set(actions),
    validateRequest: (action, payload) => check(requests, action, payload),
    validateResponse: (action, payload) => check(responses, action, payload),
  };
}
