import { fileURLToPath } from "node:url";
import { OCPP16_COMMAND_ACTIONS } from "@levity/ocpp";
import {
  describeRegistry,
  renderMetricsMarkdown,
  renderOptionsMarkdown,
} from "@levity/service-kit";
import { generatedSection } from "@levity/testkit";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { gatewayOptions } from "../src/config/gateway-options.js";
import { createGatewayMetrics } from "../src/metrics/gateway-metrics.js";

const README = fileURLToPath(new URL("../../../README.md", import.meta.url));
const METRICS = fileURLToPath(new URL("../../../docs/metrics.md", import.meta.url));
const COMMANDS = fileURLToPath(new URL("../../../docs/commands.md", import.meta.url));

describe("gateway docs (pnpm docs:update regenerates them)", () => {
  it("lists every option in the README's configuration table", async () => {
    const table = renderOptionsMarkdown(gatewayOptions);
    expect(await generatedSection(README, "gateway-options", table)).toBe(table);
  });

  it("lists every command the API sends in docs/commands.md", async () => {
    const list = OCPP16_COMMAND_ACTIONS.join(", ");
    expect(await generatedSection(COMMANDS, "command-actions", list)).toBe(list);
  });

  it("lists every gateway series in docs/metrics.md", async () => {
    const registry = new Registry();
    createGatewayMetrics(registry);
    const table = renderMetricsMarkdown(describeRegistry(registry));
    expect(await generatedSection(METRICS, "gateway-metrics", table)).toBe(table);
  });
});
