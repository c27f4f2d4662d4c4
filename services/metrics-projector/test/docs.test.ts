import { fileURLToPath } from "node:url";
import {
  describeRegistry,
  renderMetricsMarkdown,
  renderOptionsMarkdown,
} from "@levity/service-kit";
import { generatedSection } from "@levity/testkit";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { renderAutomationsReference } from "../src/automations/config/automations-reference.js";
import { createWebhookMetrics } from "../src/automations/webhook/webhook-metrics.js";
import { projectorOptions } from "../src/config/projector-options.js";
import { PROJECTED_METRICS } from "../src/metrics/projected-metrics.js";
import { createProjectorMetrics } from "../src/metrics/projector-metrics.js";

const README = fileURLToPath(new URL("../../../README.md", import.meta.url));
const METRICS = fileURLToPath(new URL("../../../docs/metrics.md", import.meta.url));
const AUTOMATIONS = fileURLToPath(new URL("../../../docs/automations.md", import.meta.url));

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

  it("lists the webhooks' series in docs/metrics.md", async () => {
    const registry = new Registry();
    createWebhookMetrics(registry);
    const table = renderMetricsMarkdown(describeRegistry(registry));
    expect(await generatedSection(METRICS, "webhook-metrics", table)).toBe(table);
  });

  it("documents every automation and field of the automations file in docs/automations.md", async () => {
    const reference = renderAutomationsReference();
    expect(await generatedSection(AUTOMATIONS, "automations-reference", reference)).toBe(reference);
  });
});
