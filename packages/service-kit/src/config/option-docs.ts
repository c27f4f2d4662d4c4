import { flagName } from "./command-line.js";
import type { OptionTable } from "./option-spec.js";

function defaultOf(spec: OptionTable[string]): string {
  if (spec.defaultText) return spec.defaultText;
  if (spec.boolean) return "off";
  return String(spec.default);
}

/** The `--help` text of a service, from its option table. */
export function renderHelp(usage: string, summary: string, table: OptionTable): string {
  const rows = Object.entries(table).map(([key, spec]) => {
    const left = `  --${flagName(key)}${spec.boolean ? "" : " <value>"}`;
    return `${left.padEnd(34)} ${spec.description} [env ${spec.env}, default ${defaultOf(spec)}]`;
  });
  return [
    `Usage: ${usage}`,
    "",
    summary,
    "",
    "Options:",
    ...rows,
    `${"  -h, --help".padEnd(34)} show this help`,
    "",
  ].join("\n");
}

/** A Markdown table of a service's settings: flag, env var, default, meaning. */
export function renderOptionsMarkdown(table: OptionTable): string {
  const rows = Object.entries(table).map(
    ([key, spec]) =>
      `| \`--${flagName(key)}\` | \`${spec.env}\` | \`${defaultOf(spec)}\` | ${spec.description} |`,
  );
  return ["| flag | env | default | meaning |", "|---|---|---|---|", ...rows].join("\n");
}
