import { fileURLToPath } from "node:url";
import {
  describeRegistry,
  renderMetricsMarkdown,
  renderOptionsMarkdown,
} from "@levity/service-kit";
import { generatedSection } from "@levity/testkit";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { projectorOptions } from "../src/config/projector-options.js";
import { PROJECTED_METRICS } from "../src/metrics/projected-metrics.js";
import { createProjectorMetrics } from "../src/metrics/projector-metrics.js";

const README = fileURLToPath(new URL("../../../README.md", import.meta.url));
const METRICS = fileURLToPath(new URL("../../../docs/metrics.md", import.meta.url));

describe("projector docs (pnpm docs:update regenerates them)", () => {
  it("lists every option in the README's configuration table", async () => {
    const table = renderOptionsMarkdown(projectorOptions);
    expect(await generatedSection(README, "projector-options", table)).toBe(table);
  });

  it("lists every projected series in docs/metrics.md", async () => {
    const table = renderMetricsMarkdown(PROJECTED_METRICS);
    expect(await generatedSection(METRICS, "projected-metrics", table)).toBe(table);
  });

  it("lists the projector's own series in docs/metrics.md", async () => {
    const registry = new Registry();
    createProjectorMetrics(registry);
    const table = renderMetricsMarkdown(describeRegistry(registry));
    expect(await generatedSection(METRICS, "projector-own-metrics", table)).toBe(table);
  });
});
