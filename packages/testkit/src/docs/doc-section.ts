import { readFile, writeFile } from "node:fs/promises";

const start = (name: string) => `<!-- generated:${name} -->`;
const end = (name: string) => `<!-- /generated:${name} -->`;

/**
 * The generated section `name` of a Markdown file, between `<!-- generated:name -->` and
 * `<!-- /generated:name -->`. With UPDATE_DOCS=1 (`pnpm docs:update`) the section is rewritten to
 * `content` first, so a test can both check generated documentation and regenerate it.
 */
export async function generatedSection(
  path: string,
  name: string,
  content: string,
): Promise<string> {
  const text = await readFile(path, "utf8");
  const from = text.indexOf(start(name));
  const to = text.indexOf(end(name));
  if (from < 0 || to < from) throw new Error(`${path} has no generated section "${name}"`);
  const current = text.slice(from + start(name).length, to).trim();
  if (process.env.UPDATE_DOCS === "1" && current !== content.trim()) {
    await writeFile(
      path,
      `${text.slice(0, from + start(name).length)}\n${content.trim()}\n${text.slice(to)}`,
    );
    return content.trim();
  }
  return current;
}

/**
 * The whole of a generated file (the OpenAPI document, say). With UPDATE_DOCS=1 it is rewritten
 * to `content` first; a missing file reads as empty, so the test that checks it fails.
 */
export async function generatedFile(path: string, content: string): Promise<string> {
  const current = await readFile(path, "utf8").catch(() => "");
  if (process.env.UPDATE_DOCS === "1" && current !== content) {
    await writeFile(path, content);
    return content;
  }
  return current;
}
