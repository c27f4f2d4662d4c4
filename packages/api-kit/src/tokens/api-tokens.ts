import { createHash, randomBytes } from "node:crypto";
import { type Static, Type } from "@sinclair/typebox";
import { Ajv } from "ajv";
import { parse, stringify } from "yaml";

const TokenSchema = Type.Object(
  {
    name: Type.String({ pattern: "^[A-Za-z0-9._-]{1,64}$" }),
    /** `sha256:` and the hex SHA-256 of the token: tokens are 256 random bits, so a fast hash is enough. */
    hash: Type.String({ pattern: "^sha256:[0-9a-f]{64}$" }),
    createdAt: Type.String({ maxLength: 64 }),
  },
  { additionalProperties: false },
);

const FileSchema = Type.Object(
  { tokens: Type.Array(TokenSchema) },
  { additionalProperties: false },
);

/** One API token as stored: its name (who asked, in the audit trail) and its hash, never itself. */
export type ApiTokenRecord = Static<typeof TokenSchema>;

const validate = new Ajv({ strict: false }).compile<Static<typeof FileSchema>>(FileSchema);

const TOKEN_PREFIX = "lvt_";

function hashOf(token: string): string {
  return `sha256:${createHash("sha256").update(token, "utf8").digest("hex")}`;
}

/** A new random token (shown once) and the record that stores only its hash. */
export function newApiToken(name: string, now: Date): { token: string; record: ApiTokenRecord } {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  return { token, record: { name, hash: hashOf(token), createdAt: now.toISOString() } };
}

/** The bearer tokens the command API accepts. */
export class ApiTokens {
  readonly #byHash: ReadonlyMap<string, ApiTokenRecord>;

  constructor(records: readonly ApiTokenRecord[]) {
    this.#byHash = new Map(records.map((record) => [record.hash, record]));
  }

  get size(): number {
    return this.#byHash.size;
  }

  records(): ApiTokenRecord[] {
    return [...this.#byHash.values()];
  }

  /** The name of the token `bearer` is, if it is one. Looked up by hash: nothing secret is compared. */
  nameOf(bearer: string): string | undefined {
    if (!bearer.startsWith(TOKEN_PREFIX) || bearer.length > 128) return undefined;
    return this.#byHash.get(hashOf(bearer))?.name;
  }

  has(name: string): boolean {
    return this.records().some((record) => record.name === name);
  }

  with(record: ApiTokenRecord): ApiTokens {
    return new ApiTokens([...this.records().filter((r) => r.name !== record.name), record]);
  }

  without(name: string): ApiTokens {
    return new ApiTokens(this.records().filter((r) => r.name !== name));
  }
}

/** Reads a tokens file's text (YAML or JSON); a bad file is a one-line error. */
export function parseApiTokens(
  text: string,
): { ok: true; value: ApiTokens } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = text.trim() === "" ? { tokens: [] } : parse(text);
  } catch (error) {
    return { ok: false, error: `not YAML or JSON: ${(error as Error).message.split("\n")[0]}` };
  }
  if (!validate(value)) {
    const first = validate.errors?.[0];
    return { ok: false, error: `${first?.instancePath || "/"} ${first?.message ?? "is invalid"}` };
  }
  const names = new Set<string>();
  for (const [index, record] of value.tokens.entries()) {
    if (names.has(record.name))
      return { ok: false, error: `/tokens/${index} repeats the name ${record.name}` };
    names.add(record.name);
  }
  return { ok: true, value: new ApiTokens(value.tokens) };
}

/** The tokens file's text. */
export function serializeApiTokens(tokens: ApiTokens): string {
  return stringify({
    tokens: tokens.records().sort((a, b) => a.name.localeCompare(b.name)),
  });
}
