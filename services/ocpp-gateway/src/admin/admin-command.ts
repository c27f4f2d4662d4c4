import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import type { ChargePointRegistry, SecurityProfile } from "../admission/charge-point-registry.js";
import { hashPassword, SCRYPT_COST } from "../admission/password-hash.js";

/** Where a new password comes from. */
export type SecretSource =
  | { readonly from: "flag"; readonly value: string }
  | { readonly from: "stdin" }
  | { readonly from: "generate" };

/** What `levity-admin` was asked to do, parsed from its arguments. */
export type AdminCommand =
  | { readonly kind: "help" }
  | { readonly kind: "list"; readonly file: string }
  | { readonly kind: "remove"; readonly file: string; readonly identity: string }
  | {
      readonly kind: "add" | "set-password";
      readonly file: string;
      readonly identity: string;
      readonly profile: SecurityProfile | undefined;
      readonly secret: SecretSource | undefined;
    };

export const ADMIN_USAGE = `Usage: levity-admin cp <command> [identity] [options]

Manages the charge point registry a gateway reads (--charge-points), in place and atomically;
running gateways pick the change up within two seconds, and close the open sessions of a charge
point removed or whose profile or password changed (the others are untouched).

Commands:
  cp list                     list registered charge points and their security profiles
  cp add <identity>           register a charge point (--profile 1, 2 or 3)
  cp set-password <identity>  change a charge point's password (AuthorizationKey)
  cp remove <identity>        remove a charge point (its open sessions are closed)

Options:
  --file <path>        the registry file (env CHARGE_POINTS)
  --profile <1|2|3>    1: Basic auth on ws; 2: Basic auth on TLS; 3: TLS client certificate
  --generate           generate a random 20-byte AuthorizationKey and print it once (recommended)
  --password-stdin     read the password from standard input (not from the command line)
  --password <value>   the password itself (visible to other users of this machine: avoid)
  -h, --help           show this help
`;

/** Parses `levity-admin` arguments into a command, or a one-line error. */
export function parseAdminCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): { ok: true; command: AdminCommand } | { ok: false; error: string } {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        file: { type: "string" },
        profile: { type: "string" },
        generate: { type: "boolean" },
        "password-stdin": { type: "boolean" },
        password: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    return { ok: false, error: (error as Error).message.split(".")[0] ?? "bad arguments" };
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) return { ok: true, command: { kind: "help" } };
  const [noun, verb, identity] = positionals as [string, string | undefined, string | undefined];
  if (noun !== "cp" || !verb)
    return { ok: false, error: `unknown command ${positionals.join(" ")} (see --help)` };
  const file = (values.file as string | undefined) ?? env.CHARGE_POINTS;
  if (!file) return { ok: false, error: "no registry file: give --file or set CHARGE_POINTS" };
  if (verb === "list") return { ok: true, command: { kind: "list", file } };
  if (!identity) return { ok: false, error: `cp ${verb} needs an identity` };
  if (verb === "remove") return { ok: true, command: { kind: "remove", file, identity } };
  if (verb !== "add" && verb !== "set-password")
    return { ok: false, error: `unknown command cp ${verb} (see --help)` };
  const sources = [values.generate, values["password-stdin"], values.password !== undefined].filter(
    Boolean,
  ).length;
  if (sources > 1)
    return { ok: false, error: "give one of --generate, --password-stdin, --password" };
  const secret = values.generate
    ? ({ from: "generate" } as const)
    : values["password-stdin"]
      ? ({ from: "stdin" } as const)
      : values.password !== undefined
        ? ({ from: "flag", value: values.password as string } as const)
        : undefined;
  let profile: SecurityProfile | undefined;
  if (values.profile !== undefined) {
    if (!["1", "2", "3"].includes(values.profile as string))
      return { ok: false, error: "--profile must be 1, 2 or 3" };
    profile = Number(values.profile) as SecurityProfile;
  }
  if (verb === "add" && profile === undefined)
    return { ok: false, error: "cp add needs --profile 1, 2 or 3" };
  return { ok: true, command: { kind: verb, file, identity, profile, secret } };
}

/** Hashes a new secret for a record: a generated key with a light scrypt cost, a chosen one with a heavy one. */
export async function newSecret(
  secret: SecretSource | undefined,
  readStdin: () => Promise<string>,
): Promise<{ ok: true; hash: string; shown: string | undefined } | { ok: false; error: string }> {
  if (!secret)
    return { ok: false, error: "a password is needed: --generate, --password-stdin or --password" };
  if (secret.from === "generate") {
    const key = randomBytes(20).toString("hex");
    return {
      ok: true,
      hash: await hashPassword(Buffer.from(key), SCRYPT_COST.generated),
      shown: key,
    };
  }
  const value = secret.from === "stdin" ? (await readStdin()).replace(/\r?\n$/, "") : secret.value;
  if (value.length < 8) return { ok: false, error: "the password must have at least 8 characters" };
  return {
    ok: true,
    hash: await hashPassword(Buffer.from(value), SCRYPT_COST.chosen),
    shown: undefined,
  };
}

/** The registry as `levity-admin cp list` prints it. */
export function listing(registry: ChargePointRegistry): string {
  const rows = registry
    .records()
    .sort((a, b) => a.identity.localeCompare(b.identity))
    .map((record) => `${record.identity}\tprofile ${record.securityProfile}`);
  return rows.length > 0 ? `${rows.join("\n")}\n` : "no charge points registered\n";
}
