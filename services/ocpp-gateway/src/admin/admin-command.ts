import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import type { ChargePointRegistry, SecurityProfile } from "../admission/charge-point-registry.js";
import { hashPassword, SCRYPT_COST } from "../admission/password-hash.js";
import { type ApiCall, parseApiCall } from "./cmd-command.js";
import { type EventsCommand, parseEventsCommand } from "./events-command.js";
import { parseTokenCommand, type TokenCommand } from "./token-command.js";

/** Where a new password comes from. */
export type SecretSource =
  | { readonly from: "flag"; readonly value: string }
  | { readonly from: "stdin" }
  | { readonly from: "generate" };

/** What `levity-admin` was asked to do, parsed from its arguments. */
export type AdminCommand =
  | { readonly kind: "help" }
  | TokenCommand
  | EventsCommand
  | { readonly kind: "api"; readonly call: ApiCall }
  | { readonly kind: "list"; readonly file: string }
  | { readonly kind: "remove"; readonly file: string; readonly identity: string }
  | {
      readonly kind: "add" | "set-password";
      readonly file: string;
      readonly identity: string;
      readonly profile: SecurityProfile | undefined;
      readonly secret: SecretSource | undefined;
    };

export const ADMIN_USAGE = `Usage: levity-admin <cp|token|cmd|command|quarantine|events> ... [options]

Manages the charge point registry and the API tokens a gateway reads, in place and atomically
(running gateways pick a change up within two seconds; a charge point removed, or whose profile
or password changed, has its open sessions closed), and sends commands through the command API.

Charge points (--file, or env CHARGE_POINTS):
  cp list                     list registered charge points and their security profiles
  cp add <identity>           register a charge point (--profile 1, 2 or 3)
  cp set-password <identity>  change a charge point's password (AuthorizationKey)
  cp remove <identity>        remove a charge point (its open sessions are closed)

API tokens (--file, or env API_TOKENS):
  token add <name>            make a token and print it once (only its hash is stored)
  token list                  list tokens by name
  token remove <name>         revoke a token

Commands (--api, or env LEVITY_API, default http://localhost:9080; the token from --token-file,
env LEVITY_API_TOKEN, or data/operator-token as pnpm start writes it):
  cmd <identity> <Action> [json]   send a command and print the charger's answer, e.g.
                                   cmd CP-7 Reset '{"type":"Soft"}'; exits 1 on any failure
  command <id>                     print a command's status and outcome
  quarantine clear <identity>      clear an automation's quarantine of a charge point: it is set
                                   Operative again (docs/automations.md); on the split services
                                   give the projector's API, --api http://projector:9081

History of one charge point (docs/history.md), from --nats (env NATS_URL) or else --data-dir:
  events --cp <identity>      print its events: JSON lines when standard output is not a terminal
                              (or with --json), else a timeline; e.g. events --cp CP-7 --since 2h
  --since <t> / --until <t>   a duration before now (90s, 15m, 2h, 7d) or an ISO time (default 1h)
  events --all                every event of every charge point and gateway (an audit trail to ship)
  --type <t,...>              only these event types, e.g. cp.status,cp.fault
  --follow                    after the history, print new events as they are stored (Ctrl-C ends)
  --nats <url>                NATS server; with --stream (OCPP_EVENTS), --subject-prefix (ocpp)
  --data-dir <dir>            the all-in-one's data directory (default ./data): its events.jsonl
  --scan                      read the stream from --since without the history index
  --stats                     print what was read (index entries, messages) to standard error

Options:
  --file <path>        the registry or tokens file
  --profile <1|2|3>    1: Basic auth on ws; 2: Basic auth on TLS; 3: TLS client certificate
  --generate           generate a random 20-byte AuthorizationKey and print it once (recommended)
  --password-stdin     read the password from standard input (not from the command line)
  --password <value>   the password itself (visible to other users of this machine: avoid)
  --api <url>          the command API
  --token-file <path>  the file holding the API token
  --timeout <s>        cmd: seconds to wait for the answer
  --idempotency-key <k>  cmd: the same key never sends twice, and returns the same outcome
  --async              cmd: return the command id at once instead of waiting
  -h, --help           show this help
`;

/** Parses `levity-admin` arguments into a command, or a one-line error. */
export function parseAdminCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  now: number = Date.now(),
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
        api: { type: "string" },
        "token-file": { type: "string" },
        timeout: { type: "string" },
        "idempotency-key": { type: "string" },
        async: { type: "boolean" },
        cp: { type: "string" },
        all: { type: "boolean" },
        since: { type: "string" },
        until: { type: "string" },
        type: { type: "string" },
        follow: { type: "boolean" },
        json: { type: "boolean" },
        stats: { type: "boolean" },
        scan: { type: "boolean" },
        nats: { type: "string" },
        stream: { type: "string" },
        "subject-prefix": { type: "string" },
        "data-dir": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    return { ok: false, error: (error as Error).message.split(".")[0] ?? "bad arguments" };
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) return { ok: true, command: { kind: "help" } };
  const [noun, verb, identity] = positionals as [string, string | undefined, string | undefined];
  if (noun === "token") {
    const token = parseTokenCommand(
      positionals,
      (values.file as string | undefined) ?? env.API_TOKENS,
    );
    return token.ok ? { ok: true, command: token.command } : token;
  }
  if (noun === "events") {
    if (positionals.length > 1)
      return { ok: false, error: `events takes options only, not ${positionals[1]}` };
    const str = (key: string) => values[key] as string | undefined;
    return parseEventsCommand(
      {
        cp: str("cp"),
        all: values.all === true,
        since: str("since"),
        until: str("until"),
        type: str("type"),
        follow: values.follow === true,
        json: values.json === true,
        stats: values.stats === true,
        scan: values.scan === true,
        nats: str("nats"),
        stream: str("stream"),
        subjectPrefix: str("subject-prefix"),
        dataDir: str("data-dir"),
      },
      env,
      now,
    );
  }
  if (noun === "cmd" || noun === "command" || noun === "quarantine") {
    const call = parseApiCall(
      positionals,
      {
        api: values.api as string | undefined,
        tokenFile: values["token-file"] as string | undefined,
        timeout: values.timeout as string | undefined,
        idempotencyKey: values["idempotency-key"] as string | undefined,
        async: values.async === true,
      },
      env,
    );
    return call.ok ? { ok: true, command: { kind: "api", call: call.call } } : call;
  }
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
