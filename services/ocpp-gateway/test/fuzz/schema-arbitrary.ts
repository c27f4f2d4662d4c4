import { OCPP16_ERROR_CODES, OCPP16_SCHEMA_IDS, OCPP16_SCHEMAS } from "@levity/ocpp";
import fc from "fast-check";

/** The part of JSON Schema the 1.6 request schemas use. */
export interface Schema {
  readonly type?: "object" | "array" | "string" | "integer";
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly items?: Schema;
  readonly enum?: readonly string[];
  readonly maxLength?: number;
  readonly format?: string;
  readonly $ref?: string;
  readonly definitions?: Readonly<Record<string, Schema>>;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = readonly (string | number)[];

/** One defect put into a valid payload, and the 1.6 error code it must be answered with. */
export interface Mutant {
  readonly payload: Json;
  readonly defect: string;
  readonly code: string;
}

/** The request schema of a 1.6 action, from the official bundle. */
export function requestSchema(action: string): Schema {
  const id = OCPP16_SCHEMA_IDS.request(action);
  const schema = OCPP16_SCHEMAS.find((candidate) => candidate.$id === id);
  if (!schema) throw new Error(`no schema ${id}`);
  return schema as Schema;
}

function resolve(root: Schema, node: Schema): Schema {
  if (!node.$ref) return node;
  const name = node.$ref.replace("#/definitions/", "");
  const target = root.definitions?.[name];
  if (!target) throw new Error(`unresolved ${node.$ref}`);
  return target;
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
    fc
      .constantFrom("", "0", "-0", ".5", "1e400", "-1e400", "1e-400", "NaN")
      .filter((value) => value.length <= maxLength),
  );
}

const integer = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.integer(),
  fc.constantFrom(65_535, 65_536, 2 ** 31, Number.MAX_SAFE_INTEGER, -1e300, 1e300),
);

/** Payloads that keep `node`'s schema, with hostile values wherever the schema allows them. */
export function validValue(root: Schema, node: Schema): fc.Arbitrary<Json> {
  const schema = resolve(root, node);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case "string":
      return schema.format === "date-time" ? dateTime : text(schema.maxLength ?? 500);
    case "integer":
      return integer;
    case "array":
      return fc.array(validValue(root, schema.items ?? {}), { maxLength: 4 });
    case "object": {
      const model = Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([key, value]) => [
          key,
          validValue(root, value),
        ]),
      );
      return fc.record(model, { requiredKeys: [...(schema.required ?? [])] }) as fc.Arbitrary<Json>;
    }
    default:
      throw new Error(`schema without a type: ${JSON.stringify(schema)}`);
  }
}

const WRONG_TYPES: Readonly<Record<string, readonly Json[]>> = {
  string: [7, true, null, [], {}],
  integer: ["7", 1.5, false, null, [], {}],
  array: ["x", 7, {}, null],
  object: ["x", 7, [], null],
};

interface Edit {
  readonly path: Path;
  /** The new value at `path`; undefined removes the property. */
  readonly replacement: Json | undefined;
  readonly defect: string;
  readonly code: string;
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

/** Defects of the value at `path` itself: a wrong type, a value its schema does not allow. */
function valueEdits(schema: Schema, path: Path): Edit[] {
  const at = `/${path.join("/")}`;
  const codes = OCPP16_ERROR_CODES;
  // A payload that is not an object is not a CALL at all; anywhere else it is a wrong type.
  const wrongType = path.length === 0 ? codes.formation : codes.type;
  const found: Edit[] = (WRONG_TYPES[schema.type ?? ""] ?? []).map((wrong) => ({
    path,
    replacement: wrong,
    defect: `${at} is ${JSON.stringify(wrong)}`,
    code: wrongType,
  }));
  const refused = (replacement: Json, defect: string) =>
    found.push({ path, replacement, defect: `${at} ${defect}`, code: codes.property });
  if (schema.enum) refused("NotOneOfThem", "outside its enum");
  if (schema.maxLength !== undefined)
    refused("x".repeat(schema.maxLength + 1), `over ${schema.maxLength} characters`);
  if (schema.format === "date-time") {
    refused("yesterday", "not a date-time");
    refused("2024-19-39T29:59:59Z", "naming no instant");
  }
  return found;
}

/** Defects of an object's members: one missing, one too many. */
function memberEdits(schema: Schema, path: Path): Edit[] {
  const at = `/${path.join("/")}`;
  const codes = OCPP16_ERROR_CODES;
  return [
    ...(schema.required ?? []).map((key) => ({
      path: [...path, key],
      replacement: undefined,
      defect: `${at}/${key} missing`,
      code: codes.occurrence,
    })),
    {
      path: [...path, "fuzzExtra"],
      replacement: 1,
      defect: `${at} with one more`,
      code: codes.formation,
    },
  ];
}

function edits(root: Schema, node: Schema, value: Json, path: Path): Edit[] {
  const schema = resolve(root, node);
  const found = valueEdits(schema, path);
  if (isObject(value)) {
    found.push(...memberEdits(schema, path));
    for (const [key, child] of Object.entries(value)) {
      const property = schema.properties?.[key];
      if (property) found.push(...edits(root, property, child, [...path, key]));
    }
  }
  const items = schema.items;
  if (Array.isArray(value) && items) {
    value.forEach((item, index) => {
      found.push(...edits(root, items, item, [...path, index]));
    });
  }
  return found;
}

/** Every payload `value` (valid for `root`) becomes with one defect, and the code it must get. */
export function mutants(root: Schema, value: Json): Mutant[] {
  return edits(root, root, value, []).map((edit) => ({
    payload: applyEdit(value, edit),
    defect: edit.defect,
    code: edit.code,
  }));
}
