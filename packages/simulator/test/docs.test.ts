import { readdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { renderOptionsMarkdown } from "@levity/service-kit";
import { generatedSection } from "@levity/testkit";
import { describe, expect, it } from "vitest";
import { loadScenario, simulatorOptions } from "../src/index.js";

const README = fileURLToPath(new URL("../../../README.md", import.meta.url));
const SCENARIOS = fileURLToPath(new URL("../scenarios/", import.meta.url));

describe("simulator docs (pnpm docs:update regenerates them)", () => {
  it("lists every option in the README", async () => {
    const table = renderOptionsMarkdown(simulatorOptions);
    expect(await generatedSection(README, "simulator-options", table)).toBe(table);
  });

  it("ships scenarios that load", async () => {
    const files = await readdir(SCENARIOS);
    expect(files).toEqual(
      expect.arrayContaining([
        "automations.yaml",
        "offline-transaction.yaml",
        "reboot-during-charge.yaml",
      ]),
    );
    for (const file of files)
      expect(await loadScenario(`${SCENARIOS}${file}`), file).toMatchObject({ ok: true });
  });
});
