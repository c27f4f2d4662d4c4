import { parseArgs } from "node:util";
import { err, ok, type Result } from "@levity/events";
import type { OptionTable, OptionValues } from "./option-spec.js";

/** What the command line asks for: run with these values, or print help. */
export type CommandLine<T extends OptionTable> =
  | { readonly kind: "run"; readonly values: OptionValues<T> }
  | { readonly kind: "help" };

/** `metricsPort` → `metrics-port`. */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]} (see --help)`;
  const missing = /Option '([^']+)' argument missing/.exec(message);
  if (missing) return `option ${missing[1]?.split(",")[0]?.trim()} needs a value`;
  const positional = /Unexpected argument '([^']+)'/.exec(message);
  if (positional) return `unexpected argument ${positional[1]} (see --help)`;
  return message.split("\n")[0] ?? message;
}

/**
 * Reads settings from flags, then environment variables, then defaults. Errors are one line naming
 * the flag or variable at fault, so a service can print them and exit.
 */
export function parseCommandLine<T extends OptionTable>(
  table: T,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Result<CommandLine<T>, string> {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {
    help: { type: "boolean", short: "h" },
  };
  for (const [key, spec] of Object.entries(table)) {
    options[flagName(key)] = { type: spec.boolean ? "boolean" : "string" };
  }
  let flags: Record<string, string | boolean | undefined>;
  // `pnpm start -- --port 1` forwards the "--" itself.
  const args = argv[0] === "--" ? argv.slice(1) : [...argv];
  try {
    flags = parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    return err(describeParseError(error));
  }
  if (flags.help) return ok({ kind: "help" });
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(table)) {
    const name = flagName(key);
    const fromFlag = flags[name];
    if (fromFlag !== undefined) {
      const parsed = spec.parse(typeof fromFlag === "boolean" ? String(fromFlag) : fromFlag);
      if (!parsed.ok) return err(`--${name}: ${parsed.error}`);
      values[key] = parsed.value;
      continue;
    }
    const fromEnv = env[spec.env];
    if (fromEnv !== undefined && fromEnv !== "") {
      const parsed = spec.parse(fromEnv);
      if (!parsed.ok) return err(`${spec.env}: ${parsed.error}`);
      values[key] = parsed.value;
      continue;
    }
    values[key] = spec.default;
  }
  return ok({ kind: "run", values: values as OptionValues<T> });
}
