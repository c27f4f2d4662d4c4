import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { abuse, abuseOptions, renderAbuse } from "./scenarios/abuse.js";
import { admission, admissionSizes, renderAdmission } from "./scenarios/admission.js";
import { automationsTick, renderAutomationsTick } from "./scenarios/automations.js";
import { commandsAcrossGateways, commandsOptions, renderCommands } from "./scenarios/commands.js";
import {
  commandsAtScale,
  commandsAtScaleOptions,
  renderCommandsAtScale,
} from "./scenarios/commands-at-scale.js";
import { failover, failoverOptions, renderFailover } from "./scenarios/failover.js";
import { fleet, fleetOptions, renderFleet } from "./scenarios/fleet.js";
import { guessFlood, guessFloodOptions, renderGuessFlood } from "./scenarios/guess-flood.js";
import { history, historyOptions, renderHistory } from "./scenarios/history.js";
import { natsRestart, natsRestartOptions, renderNatsRestart } from "./scenarios/nats-restart.js";
import {
  protocols,
  protocolsOptions,
  renderProtocols,
  startProtocolsLevity,
} from "./scenarios/protocols.js";
import { readApi, renderReadApi } from "./scenarios/read-api.js";
import {
  renderReplayAtScale,
  replayAtScale,
  replayAtScaleOptions,
} from "./scenarios/replay-at-scale.js";
import { renderScrapeRender, scrapeRender } from "./scenarios/scrape.js";
import { startLevity, withSystem } from "./scenarios/systems.js";

// pnpm --filter @levity/bench scenario <abuse|admission|automations|commands|commands-at-scale|failover|fleet|guess-flood|history|nats-restart|protocols|read-api|replay|scrape>: one scenario alone, after pnpm build
// (pnpm bench runs them with the others). Writes .bench/<scenario>.json and prints its report.

const quick = process.env.BENCH_QUICK === "1";
const scenarios: Record<string, () => Promise<{ result: unknown; report: string }>> = {
  abuse: () =>
    withSystem(startLevity, async (levity) => {
      const result = await abuse(levity, abuseOptions(quick));
      const flood = await guessFlood(guessFloodOptions(quick));
      return {
        result: { ...result, guessFlood: flood },
        report: `${renderAbuse(result)}\n${renderGuessFlood(flood)}`,
      };
    }),
  automations: async () => {
    const result = await automationsTick(quick);
    return { result, report: renderAutomationsTick(result) };
  },
  commands: async () => {
    const result = await commandsAcrossGateways(commandsOptions(quick));
    return { result, report: renderCommands(result) };
  },
  "commands-at-scale": async () => {
    const result = await commandsAtScale(commandsAtScaleOptions(quick));
    return { result, report: renderCommandsAtScale(result) };
  },
  fleet: async () => {
    const result = await fleet(fleetOptions(quick));
    return { result, report: renderFleet(result) };
  },
  failover: async () => {
    const result = await failover(failoverOptions(quick));
    return { result, report: renderFailover(result) };
  },
  "guess-flood": async () => {
    const result = await guessFlood(guessFloodOptions(quick));
    return { result, report: renderGuessFlood(result) };
  },
  history: async () => {
    const result = await history(historyOptions(quick));
    return { result, report: renderHistory(result) };
  },
  "nats-restart": () =>
    withSystem(startLevity, async (levity) => {
      const result = await natsRestart(levity, natsRestartOptions(quick));
      return { result, report: renderNatsRestart(result) };
    }),
  protocols: () =>
    withSystem(startProtocolsLevity, async (levity) => {
      const result = await protocols(levity, protocolsOptions(quick));
      return { result, report: renderProtocols(result) };
    }),
  "read-api": async () => {
    const result = await readApi(quick);
    return { result, report: renderReadApi(result) };
  },
  replay: async () => {
    const result = await replayAtScale(replayAtScaleOptions(quick));
    return { result, report: renderReplayAtScale(result) };
  },
  scrape: async () => {
    const result = await scrapeRender(quick);
    return { result, report: renderScrapeRender(result) };
  },
  admission: async () => {
    const result = await admission(admissionSizes(quick));
    return { result, report: renderAdmission(result) };
  },
};

const name = process.argv[2] ?? "";
const run = scenarios[name];
if (!run) {
  process.stderr.write(`error: name a scenario: ${Object.keys(scenarios).join(", ")}\n`);
  process.exit(2);
}
const { result, report } = await run();
const out = fileURLToPath(new URL("../../../.bench/", import.meta.url));
await mkdir(out, { recursive: true });
await writeFile(`${out}${name}.json`, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`\n${report}\nWritten to .bench/${name}.json\n`);
