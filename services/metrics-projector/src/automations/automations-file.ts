import { access } from "node:fs/promises";
import { LiveFile, type Logger } from "@levity/service-kit";
import { type AutomationRule, parseAutomations } from "./config/automation-rules.js";

/**
 * The automations file, followed live: a version that no longer parses is logged with what is
 * wrong and where, and the rules before it keep running. A file that is missing or does not parse
 * at start is an error to stop on: a misspelt path must not quietly run nothing.
 */
export async function openAutomationsFile(
  path: string,
  logger: Logger,
): Promise<
  | { ok: true; rules: () => readonly AutomationRule[]; stop: () => void }
  | { ok: false; error: string }
> {
  const missing = await access(path).then(
    () => undefined,
    (error: NodeJS.ErrnoException) => `cannot read ${path}: ${error.code ?? "error"}`,
  );
  if (missing) return { ok: false, error: missing };
  const opened = await LiveFile.open(
    path,
    parseAutomations,
    (rules) => rules.length,
    (report) =>
      report.ok
        ? logger.info({ file: path, rules: report.size }, "automations file taken")
        : logger.error(
            { file: path, error: report.error },
            "automations file refused: the previous rules stay",
          ),
  );
  if (!opened.ok) return opened;
  const file = opened.file;
  return { ok: true, rules: () => file.current, stop: () => file.stop() };
}
