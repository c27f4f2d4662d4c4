import { fileURLToPath } from "node:url";
import { renderOptionsMarkdown } from "@levity/service-kit";
import { generatedSection } from "@levity/testkit";
import { describe, expect, it } from "vitest";
import { allInOneOptions } from "../src/all-in-one-options.js";

const README = fileURLToPath(new URL("../../../README.md", import.meta.url));

describe("all-in-one docs (pnpm docs:update regenerates them)", () => {
  it("lists every option in the README's configuration table", async () => {
    const table = renderOptionsMarkdown(allInOneOptions);
    expect(await generatedSection(README, "all-in-one-options", table)).toBe(table);
  });
});
