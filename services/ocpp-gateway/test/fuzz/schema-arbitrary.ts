import type { ErrorCodeTable, RpcErrorKind } from "@levity/ocpp";
import fc from "fast-check";
import type { FuzzedVersion } from "./fuzzed-versions.js";

/** The part of JSON Schema (draft-07, as ajv reads it) the 1.6 and 2.0.1 request schemas use. */
export interface Schema {
  readonly type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean;
  readonly items?: Schema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly enum?: readonly string[];
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly format?: string;
  readonly $ref?: string;
  readonly definitions?: Readonly<Record<string, Schema>>;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = readonly (string | number)[];

/** One defect put into a valid payload, and the error code the version must answer it with. */
export interface Mutant {
  readonly payload: Json;
  readonly defect: string;
  readonly code: string;
}

/** The request schema of one of `version`'s actions, from its official bundle. */
export function requestSchema(version: FuzzedVersion, action: string): Schema {
  const id = version.requestSchemaId(action);
  const schema = version.schemas.find((candidate) => candidate.$id === id);
  if (!schema) throw new Error(`no schema ${id}`);
  return schema as Schema;
}

const CHECKED_KEYWORDS: ReadonlySet<string> = new Set([
  "type",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "minItems",
  "maxItems",
  "enum",
  "maxLength",
  "minimum",
  "maximum",
  "format",
  "$ref",
  "definitions",
]);

// Keywords ajv checks nothing for here: annotations, `default` (the validator fills no defaults
// in) and `additionalItems` (ignored where `items` is one schema, as it is throughout).
const UNCHECKED_KEYWORDS: ReadonlySet<string> = new Set([
  "$id",
  "$schema",
  "$comment",
  "description",
  "javaType",
  "default",
  "additionalItems",
]);

/**
 * Refuses a schema node using a keyword this generator does not model (anyOf, oneOf, pattern,
 * minLength, another format...; neither bundle's charge-point requests use one today): it could
 * not tell whether a value is valid, nor which error ajv would report first for a defect.
 */
function expectModelled(node: Schema): void {
  const unknown = Object.keys(node).find(
    (keyword) => !CHECKED_KEYWORDS.has(keyword) && !UNCHECKED_KEYWORDS.has(keyword),
  );
  if (unknown !== undefined) throw new Error(`schema keyword ${unknown} is not modelled`);
  if (node.format !== undefined && node.format !== "date-time")
    throw new Error(`format ${node.format} is not modelled`);
}

/** `node`, or the definition of `root` its local `$ref: "#/definitions/X"` names. */
function resolve(root: Schema, node: Schema): Schema {
  expectModelled(node);
  if (!node.$ref) return node;
  const name = node.$ref.replace("#/definitions/", "");
  const target =
    root.definitions && Object.hasOwn(root.definitions, name) ? root.definitions[name] : undefined;
  if (!target) throw new Error(`unresolved ${node.$ref}`);
  return resolve(root, target);
}

/** The schema of `key` among an object's properties (not a member of Object.prototype). */
function propertySchema(schema: Schema, key: string): Schema | undefined {
  return schema.properties && Object.hasOwn(schema.properties, key)
    ? schema.properties[key]
    : undefined;
}

const instant = fc.date({
  min: new Date(Date.UTC(1970, 0, 1)),
  max: new Date(Date.UTC(9999, 11, 31)),
  noInvalidDate: true,
});

/** RFC 3339 times that name an instant, in every spelling the schema allows. */
const dateTime = fc.oneof(
  instant.map((date) => date.toISOString()),
  instant.map((date) => date.toISOString().replace(".000Z", "+23:59").toLowerCase()),
  fc.constantFrom("0001-01-01T00:00:00Z", "2024-02-29T12:00:00.123456789-05:00"),
);

/** Strings a charge point may send where the schema says only "string". */
function text(maxLength: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ maxLength }),
    fc.string({ maxLength, unit: "binary" }),
    // As long as allowed: ajv counts code points, so astral ones make twice as many UTF-16 units.
    fc.string({ minLength: maxLength, maxLength, unit: "binary" }),
    // Numbers in disguise, and the words a handler looks for (2.0.1's Problem variable, "true").
    fc
      .constantFrom("", "0", "-0", ".5", "1e400", "-1e400", "1e-400", "NaN", "Problem", "true")
      .filter((value) => value.length <= maxLength),
  );
}

const integer = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.integer(),
  fc.constantFrom(65_535, 65_536, 2 ** 31, Number.MAX_SAFE_INTEGER, -1e300, 1e300),
);

const number = fc.oneof(
  integer,
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0.1, -0.5, Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE),
);

const INT32 = 2 ** 31;

/** Numbers of `schema`'s type within the bounds it sets, its bounds included. */
function numeric(schema: Schema): fc.Arbitrary<number> {
  const { minimum, maximum } = schema;
  const whole = schema.type === "integer";
  if (minimum === undefined && maximum === undefined) return whole ? integer : number;
  const within = whole
    ? fc.integer({
        min: Math.max(minimum ?? -INT32, -INT32),
        max: Math.min(maximum ?? INT32 - 1, INT32 - 1),
      })
    : fc.double({
        min: minimum ?? -Number.MAX_VALUE,
        max: maximum ?? Number.MAX_VALUE,
        noNaN: true,
      });
  const bounds = [minimum, maximum].filter((bound) => bound !== undefined);
  return fc.oneof(within, fc.constantFrom(...bounds));
}

/** Members an object the schema leaves open (2.0.1's customData) may carry besides its own. */
function otherMembers(schema: Schema): fc.Arbitrary<Record<string, Json>> {
  const key = fc.string({ maxLength: 8 }).filter((name) => !propertySchema(schema, name));
  return fc.dictionary(key, fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>, { maxKeys: 2 });
}

/**
 * Payloads that keep `node`'s schema, with hostile values wherever the schema allows them.
 * `arrayDepth` counts the arrays around `node`: 2.0.1 nests them five deep (charging profiles),
 * and a frame over the gateway's 64 KiB is closed rather than answered, so inner ones stay short.
 */
export function validValue(root: Schema, node: Schema, arrayDepth = 0): fc.Arbitrary<Json> {
  const schema = resolve(root, node);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case "string":
      return schema.format === "date-time" ? dateTime : text(schema.maxLength ?? 500);
    case "integer":
    case "number":
      return numeric(schema);
    case "boolean":
      return fc.boolean();
    case "array": {
      const minLength = schema.minItems ?? 0;
      const usual = arrayDepth < 2 ? 4 : 2;
      const maxLength = Math.min(schema.maxItems ?? usual, Math.max(minLength, usual));
      const item = validValue(root, schema.items ?? {}, arrayDepth + 1);
      return fc.array(item, { minLength, maxLength });
    }
    case "object": {
      const model = Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([key, value]) => [
          key,
          validValue(root, value, arrayDepth),
        ]),
      );
      const own = fc.record(model, { requiredKeys: [...(schema.required ?? [])] });
      if (schema.additionalProperties === false) return own as fc.Arbitrary<Json>;
      return fc
        .tuple(otherMembers(schema), own)
        .map(([others, members]) => ({ ...others, ...members })) as fc.Arbitrary<Json>;
    }
    default:
      // No type at all (2.0.1's DataTransfer data): any JSON value.
      return fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
  }
}

const WRONG_TYPES: Readonly<Record<string, readonly Json[]>> = {
  string: [7, true, null, [], {}],
  integer: ["7", 1.5, false, null, [], {}],
  number: ["7", false, null, [], {}],
  boolean: ["true", 0, null, [], {}],
  array: ["x", 7, {}, null],
  object: ["x", 7, [], null],
};

// Arrays allowing more items than this are not overfilled: 2.0.1's 1024-period schedules would
// need a frame past the gateway's 64 KiB, which is closed rather than answered.
const MAX_ITEMS_OVERFILLED = 8;

interface Edit {
  readonly path: Path;
  /** The new value at `path`; undefined removes the property. */
  readonly replacement: Json | undefined;
  readonly defect: string;
  readonly kind: RpcErrorKind;
}

function applyEdit(payload: Json, { path, replacement }: Edit): Json {
  const last = path.at(-1);
  if (last === undefined) return replacement ?? null;
  const copy = structuredClone(payload);
  let parent = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  if (replacement === undefined) delete parent[last];
  else parent[last] = replacement;
  return copy;
}

function isObject(value: Json): value is { [key: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Defects of the value at `path` itself: a wrong type, a value or a number of items its schema
 * does not allow. Each is the one error ajv can report, since everything else stays valid.
 */
function valueEdits(schema: Schema, value: Json, path: Path): Edit[] {
  const at = `/${path.join("/")}`;
  // A payload that is not an object is not a CALL at all; anywhere else it is a wrong type.
  const wrongType = path.length === 0 ? "formation" : "type";
  const found: Edit[] = (WRONG_TYPES[schema.type ?? ""] ?? []).map((wrong) => ({
    path,
    replacement: wrong,
    defect: `${at} is ${JSON.stringify(wrong)}`,
    kind: wrongType,
  }));
  const add = (replacement: Json, defect: string, kind: RpcErrorKind) =>
    found.push({ path, replacement, defect: `${at} ${defect}`, kind });
  if (schema.enum) add("NotOneOfThem", "outside its enum", "property");
  if (schema.maxLength !== undefined)
    add("x".repeat(schema.maxLength + 1), `over ${schema.maxLength} characters`, "property");
  if (schema.format === "date-time") {
    add("yesterday", "not a date-time", "property");
    add("2024-19-39T29:59:59Z", "naming no instant", "property");
  }
  if (schema.minimum !== undefined) add(schema.minimum - 1, "below its minimum", "property");
  if (schema.maximum !== undefined) add(schema.maximum + 1, "above its maximum", "property");
  if (Array.isArray(value)) {
    const { minItems = 0, maxItems } = schema;
    if (minItems > 0)
      add(value.slice(0, minItems - 1), `with under ${minItems} items`, "occurrence");
    const [first] = value;
    if (maxItems !== undefined && maxItems <= MAX_ITEMS_OVERFILLED && first !== undefined) {
      const copies = Array.from({ length: maxItems + 1 - value.length }, () => first);
      add([...value, ...copies], `with over ${maxItems} items`, "occurrence");
    }
  }
  return found;
}

/** Defects of an object's members: one missing, one too many where the schema closes it. */
function memberEdits(schema: Schema, path: Path): Edit[] {
  const at = `/${path.join("/")}`;
  const found: Edit[] = (schema.required ?? []).map((key) => ({
    path: [...path, key],
    replacement: undefined,
    defect: `${at}/${key} missing`,
    kind: "occurrence",
  }));
  if (schema.additionalProperties === false)
    found.push({
      path: [...path, "fuzzExtra"],
      replacement: 1,
      defect: `${at} with one more`,
      kind: "formation",
    });
  return found;
}

function edits(root: Schema, node: Schema, value: Json, path: Path): Edit[] {
  const schema = resolve(root, node);
  const found = valueEdits(schema, value, path);
  if (schema.type === "object" && isObject(value)) {
    found.push(...memberEdits(schema, path));
    for (const [key, child] of Object.entries(value)) {
      const property = propertySchema(schema, key);
      if (property) found.push(...edits(root, property, child, [...path, key]));
    }
  }
  const items = schema.items;
  if (schema.type === "array" && Array.isArray(value) && items) {
    value.forEach((item, index) => {
      found.push(...edits(root, items, item, [...path, index]));
    });
  }
  return found;
}

/**
 * The payloads `value` (valid for `root`) becomes with one defect, each with the code `codes`
 * spells the defect's kind with: the kind the gateway's validator gives ajv's error for it. Only
 * the chosen defect is applied, since a large 2.0.1 payload has a thousand of them.
 */
export function mutants(codes: ErrorCodeTable, root: Schema, value: Json): fc.Arbitrary<Mutant> {
  return fc.constantFrom(...edits(root, root, value, [])).map((edit) => ({
    payload: applyEdit(value, edit),
    defect: edit.defect,
    code: codes[edit.kind],
  }));
}
