import { access, writeFile } from "node:fs/promises";
import { writeFileAtomically } from "@levity/service-kit";
import { ApiTokens, newApiToken, serializeApiTokens } from "./api-tokens.js";

/**
 * On a first start without a tokens file, creates one holding a single token named `operator`
 * and writes that token (the only copy of it) to `tokenFile`, readable by its owner only, so the
 * API is usable at once and still never open. Does nothing when the tokens file exists.
 */
export async function ensureOperatorToken(
  tokensFile: string,
  tokenFile: string,
  now: Date,
): Promise<{ created: boolean }> {
  try {
    await access(tokensFile);
    return { created: false };
  } catch {
    const { token, record } = newApiToken("operator", now);
    await writeFile(tokenFile, `${token}\n`, { mode: 0o600 });
    await writeFileAtomically(tokensFile, serializeApiTokens(new ApiTokens([record])));
    return { created: true };
  }
}
