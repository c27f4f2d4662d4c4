import { parseCommandLine } from "./command-line.js";
import { renderHelp } from "./option-docs.js";
import type { OptionTable, OptionValues } from "./option-spec.js";

/** How a service describes itself for `--help`. */
export interface ServiceDescription {
  readonly usage: string;
  readonly summary: string;
}

/**
 * The settings of a service started from the command line: prints help and exits 0 on `--help`,
 * prints a one-line reason and exits 2 on a bad flag or value.
 */
export function readConfig<T extends OptionTable>(
  table: T,
  description: ServiceDescription,
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): OptionValues<T> {
  const parsed = parseCommandLine(table, argv, env);
  if (!parsed.ok) {
    process.stderr.write(`error: ${parsed.error}\n`);
    process.exit(2);
  }
  if (parsed.value.kind === "help") {
    process.stdout.write(renderHelp(description.usage, description.summary, table));
    process.exit(0);
  }
  return parsed.value.values;
}
