import { fileURLToPath } from "node:url";
import { ApiTokens, apiDocument } from "@levity/api-kit";
import { InProcessCommandRoute } from "@levity/commands";
import { InProcessEventLog } from "@levity/events";
import { chargePointRoutes, EMPTY_STATE, quarantineRoutes } from "@levity/metrics-projector";
import { CommandJournal, CommandService, commandRoutes } from "@levity/ocpp-gateway";
import { createLogger, type Logger, renderOptionsMarkdown } from "@levity/service-kit";
import { generatedFile, generatedSection } from "@levity/testkit";
import { describe, expect, it } from "vitest";
import { allInOneOptions } from "../src/all-in-one-options.js";

const README = fileURLToPath(new URL("../../../README.md", import.meta.url));
const OPENAPI = fileURLToPath(new URL("../../../docs/openapi.json", import.meta.url));

describe("all-in-one docs (pnpm docs:update regenerates them)", () => {
  it("lists every option in the README's configuration table", async () => {
    const table = renderOptionsMarkdown(allInOneOptions);
    expect(await generatedSection(README, "all-in-one-options", table)).toBe(table);
  });

  it("publishes the API's OpenAPI document, generated from the routes of all its parts, in docs/openapi.json", async () => {
    const logger: Logger = createLogger({ service: "docs", level: "silent" });
    const commands = new CommandService({
      route: new InProcessCommandRoute(),
      journal: new CommandJournal(new InProcessEventLog(), { gatewayId: "docs", instance: "docs" }),
      logger,
      now: Date.now,
    });
    const document = await apiDocument({
      tokens: () => new ApiTokens([]),
      logger,
      features: [
        commandRoutes({
          commands,
          knownChargePoint: () => true,
          commandTimeoutS: 30,
          now: Date.now,
        }),
        chargePointRoutes({ state: () => EMPTY_STATE }),
        quarantineRoutes({
          state: () => EMPTY_STATE,
          log: new InProcessEventLog(),
          now: Date.now,
          producer: "operators",
        }),
      ],
    });
    const text = `${JSON.stringify(document, null, 2)}\n`;
    expect(await generatedFile(OPENAPI, text)).toBe(text);
  });
});
