import { fileURLToPath } from "node:url";
import { renderOptionsMarkdown } from "@levity/service-kit";
import { generatedSection } from "@levity/testkit";
import { describe, expect, it } from "vitest";
import { loadScenario, simulatorOptions } from "../src/index.js";

const README = fileURLToPath(new URL("../../../README.md", import.meta.url));
const SCENARIO = fileURLToPath(new URL("../scenarios/reboot-during-charge.yaml", import.meta.url));

describe("simulator docs (pnpm docs:update regenerates them)", () => {
  it("lists every option in the README", async () => {
    const table = renderOptionsMarkdown(simulatorOptions);
    expect(await generatedSection(README, "simulator-options", table)).toBe(table);
  });

  it("ships a scenario that loads", async () => {
    expect((await loadScenario(SCENARIO)).ok).toBe(true);
  });
});
