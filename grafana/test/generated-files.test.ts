import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { generatedFiles } from "../src/generated-files.js";

describe("generated Grafana and Prometheus files (pnpm grafana:build regenerates them)", () => {
  it.each(generatedFiles().map((file) => [file.path, file] as const))(
    "%s matches its generator",
    async (_path, file) => {
      expect(await readFile(file.absolute, "utf8")).toBe(file.content);
    },
  );
});
