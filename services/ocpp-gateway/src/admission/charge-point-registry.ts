import { type Static, Type } from "@sinclair/typebox";
import { Ajv } from "ajv";
import { parse, stringify } from "yaml";
import { isPasswordHash } from "./password-hash.js";

/** OCPP security profiles: 1 Basic auth on ws, 2 Basic auth on TLS, 3 TLS client certificate. */
export type SecurityProfile = 1 | 2 | 3;

const RecordSchema = Type.Object(
  {
    identity: Type.String({ minLength: 1, maxLength: 255 }),
    securityProfile: Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3)]),
    passwordHash: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const FileSchema = Type.Object(
  {
    chargePoints: Type.Array(RecordSchema),
    /** When present, only these idTags are Accepted; others are Invalid. */
    idTags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }))),
  },
  { additionalProperties: false },
);

/** One registered charge point. */
export type ChargePointRecord = Static<typeof RecordSchema>;

const validate = new Ajv({ strict: false }).compile<Static<typeof FileSchema>>(FileSchema);

/** The charge points allowed in, how each must authenticate, and the optional idTag allow list. */
export class ChargePointRegistry {
  readonly #records: ReadonlyMap<string, ChargePointRecord>;
  readonly #idTags: ReadonlySet<string> | undefined;

  constructor(records: readonly ChargePointRecord[], idTags?: readonly string[]) {
    this.#records = new Map(records.map((record) => [record.identity, record]));
    this.#idTags = idTags ? new Set(idTags) : undefined;
  }

  get(identity: string): ChargePointRecord | undefined {
    return this.#records.get(identity);
  }

  get size(): number {
    return this.#records.size;
  }

  records(): ChargePointRecord[] {
    return [...this.#records.values()];
  }

  /** The idTag allow list, if one is configured. */
  get idTags(): readonly string[] | undefined {
    return this.#idTags ? [...this.#idTags] : undefined;
  }

  /** Whether an idTag may charge: always, unless an allow list is configured and lacks it. */
  idTagAccepted(idTag: string): boolean {
    return this.#idTags?.has(idTag) ?? true;
  }

  /** A copy with one record added or replaced. */
  with(record: ChargePointRecord): ChargePointRegistry {
    return new ChargePointRegistry(
      [...this.records().filter((r) => r.identity !== record.identity), record],
      this.idTags,
    );
  }

  /** A copy without one identity. */
  without(identity: string): ChargePointRegistry {
    return new ChargePointRegistry(
      this.records().filter((r) => r.identity !== identity),
      this.idTags,
    );
  }
}

/** Reads a registry file's text (YAML, or JSON which YAML includes); a bad file is a one-line error. */
export function parseRegistry(
  text: string,
): { ok: true; registry: ChargePointRegistry } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = text.trim() === "" ? { chargePoints: [] } : parse(text);
  } catch (error) {
    return { ok: false, error: `not YAML or JSON: ${(error as Error).message.split("\n")[0]}` };
  }
  if (!validate(value)) {
    const first = validate.errors?.[0];
    return { ok: false, error: `${first?.instancePath || "/"} ${first?.message ?? "is invalid"}` };
  }
  const seen = new Set<string>();
  for (const [index, record] of value.chargePoints.entries()) {
    if (seen.has(record.identity))
      return { ok: false, error: `/chargePoints/${index} repeats identity ${record.identity}` };
    seen.add(record.identity);
    if (
      record.securityProfile < 3 &&
      !(record.passwordHash && isPasswordHash(record.passwordHash))
    ) {
      return {
        ok: false,
        error: `/chargePoints/${index} (${record.identity}) needs a passwordHash for profile ${record.securityProfile}`,
      };
    }
  }
  return { ok: true, registry: new ChargePointRegistry(value.chargePoints, value.idTags) };
}

/** The registry as file text: JSON for a `.json` path, YAML otherwise. */
export function serializeRegistry(registry: ChargePointRegistry, path: string): string {
  const body = {
    chargePoints: registry.records().sort((a, b) => a.identity.localeCompare(b.identity)),
    ...(registry.idTags ? { idTags: registry.idTags } : {}),
  };
  return path.endsWith(".json") ? `${JSON.stringify(body, null, 2)}\n` : stringify(body);
}
