import { fileURLToPath } from "node:url";
import { InProcessCommandRoute } from "@levity/commands";
import { InProcessEventLog } from "@levity/events";
import { OCPP16_COMMAND_ACTIONS } from "@levity/ocpp";
import {
  createLogger,
  describeRegistry,
  type Logger,
  renderMetricsMarkdown,
  renderOptionsMarkdown,
} from "@levity/service-kit";
import { generatedFile, generatedSection } from "@levity/testkit";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { ApiTokens } from "../src/api/api-tokens.js";
import { commandApiDocument } from "../src/api/command-api.js";
import { CommandJournal } from "../src/commands/command-journal.js";
import { CommandService } from "../src/commands/command-service.js";
import { gatewayOptions } from "../src/config/gateway-options.js";
import { createGatewayMetrics } from "../src/metrics/gateway-metrics.js";

const README = fileURLToPath(new URL("../../../README.md", import.meta.url));
const METRICS = fileURLToPath(new URL("../../../docs/metrics.md", import.meta.url));
const OPENAPI = fileURLToPath(new URL("../../../docs/openapi.json", import.meta.url));
const COMMANDS = fileURLToPath(new URL("../../../docs/commands.md", import.meta.url));

describe("gateway docs (pnpm docs:update regenerates them)", () => {
  it("lists every option in the README's configuration table", async () => {
    const table = renderOptionsMarkdown(gatewayOptions);
    expect(await generatedSection(README, "gateway-options", table)).toBe(table);
  });

  it("publishes the command API's OpenAPI document, generated from its routes, in docs/openapi.json", async () => {
    const logger: Logger = createLogger({ service: "docs", level: "silent" });
    const document = await commandApiDocument({
      tokens: () => new ApiTokens([]),
      logger,
      routes: {
        commands: new CommandService({
          route: new InProcessCommandRoute(),
          journal: new CommandJournal(new InProcessEventLog(), {
            gatewayId: "docs",
            instance: "docs",
          }),
          logger,
          now: Date.now,
        }),
        knownChargePoint: () => true,
        commandTimeoutS: 30,
        now: Date.now,
      },
    });
    const text = `${JSON.stringify(document, null, 2)}\n`;
    expect(await generatedFile(OPENAPI, text)).toBe(text);
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
