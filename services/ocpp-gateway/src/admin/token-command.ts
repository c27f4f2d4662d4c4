import { type ApiTokens, newApiToken, parseApiTokens, serializeApiTokens } from "@levity/api-kit";
import { readFileText, writeFileAtomically } from "@levity/service-kit";

/** What `levity-admin token` was asked to do. */
export type TokenCommand =
  | { readonly kind: "token-list"; readonly file: string }
  | { readonly kind: "token-add" | "token-remove"; readonly file: string; readonly name: string };

const NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** Parses `token <add|list|remove> [name]` with its file, or says why not in one line. */
export function parseTokenCommand(
  positionals: readonly string[],
  file: string | undefined,
): { ok: true; command: TokenCommand } | { ok: false; error: string } {
  const [, verb, name] = positionals;
  if (!file) return { ok: false, error: "no tokens file: give --file or set API_TOKENS" };
  if (verb === "list") return { ok: true, command: { kind: "token-list", file } };
  if (verb !== "add" && verb !== "remove")
    return { ok: false, error: `unknown command token ${verb ?? ""} (see --help)`.trim() };
  if (!name) return { ok: false, error: `token ${verb} needs a name` };
  if (!NAME.test(name))
    return {
      ok: false,
      error: "a token name is 1 to 64 letters, digits, dots, dashes or underscores",
    };
  return { ok: true, command: { kind: `token-${verb}`, file, name } };
}

/** Runs a token command; returns what to print, or a one-line error. */
export async function runTokenCommand(
  command: TokenCommand,
  now: Date,
): Promise<{ ok: true; output: string } | { ok: false; error: string }> {
  const read = await readFileText(command.file);
  if (!read.ok) return read;
  const parsed = parseApiTokens(read.text);
  if (!parsed.ok) return { ok: false, error: `${command.file}: ${parsed.error}` };
  const tokens: ApiTokens = parsed.value;
  switch (command.kind) {
    case "token-list": {
      const rows = tokens
        .records()
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((record) => `${record.name}\tcreated ${record.createdAt}`);
      return { ok: true, output: rows.length > 0 ? `${rows.join("\n")}\n` : "no API tokens\n" };
    }
    case "token-add": {
      if (tokens.has(command.name))
        return { ok: false, error: `a token named ${command.name} exists (remove it first)` };
      const { token, record } = newApiToken(command.name, now);
      await writeFileAtomically(command.file, serializeApiTokens(tokens.with(record)));
      return {
        ok: true,
        output: `added token ${command.name}\ntoken (shown once, store it safely): ${token}\n`,
      };
    }
    case "token-remove":
      if (!tokens.has(command.name)) return { ok: false, error: `no token named ${command.name}` };
      await writeFileAtomically(command.file, serializeApiTokens(tokens.without(command.name)));
      return { ok: true, output: `removed token ${command.name}\n` };
  }
}
