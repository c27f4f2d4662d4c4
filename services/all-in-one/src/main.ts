#!/usr/bin/env node
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { apiFromConfig, ensureOperatorToken } from "@levity/api-kit";
import { JournalCorruptError } from "@levity/events";
import {
  chargePointRoutes,
  EMPTY_STATE,
  inProcessCommandPort,
  type Projector,
  quarantineRoutes,
  type RunningAutomations,
  scrape,
  startAutomations,
  startProjector,
} from "@levity/metrics-projector";
import {
  admissionFromConfig,
  commandRoutes,
  type Gateway,
  startGateway,
} from "@levity/ocpp-gateway";
import { createLogger, onShutdownSignals, readConfig, startOpsServer } from "@levity/service-kit";
import { collectDefaultMetrics, Registry } from "prom-client";
import { allInOneOptions } from "./all-in-one-options.js";
import { openEmbeddedStorage } from "./embedded-storage.js";
import { openNatsStorage } from "./nats-storage.js";
import type { Storage } from "./storage.js";

const config = readConfig(allInOneOptions, {
  usage: "pnpm start [-- options]   (or: node services/all-in-one/dist/main.js [options])",
  summary:
    "Levity all-in-one: the OCPP gateway and the metrics projector in one process, on an embedded event log.",
});
const logger = createLogger({ service: "levity", level: config.logLevel });
const admission = await admissionFromConfig(config, logger);
if (!admission.ok) {
  process.stderr.write(`error: ${admission.error}\n`);
  process.exit(2);
}

// Set once the projector has replayed (the history index on NATS waits for it).
let replayed: () => void = () => {};
const afterReplay = new Promise<void>((resolve) => {
  replayed = resolve;
});
let storage: Storage;
try {
  storage = config.nats
    ? await openNatsStorage(config.nats, config, logger, afterReplay)
    : await openEmbeddedStorage(config.dataDir, logger);
} catch (error) {
  if (!(error instanceof JournalCorruptError)) throw error;
  process.stderr.write(`error: ${error.message}\n`);
  process.exit(1);
}
const registry = new Registry();
collectDefaultMetrics({ register: registry });

let projector: Projector | undefined;
const ops = await startOpsServer({
  port: config.metricsPort,
  host: config.host,
  metrics: () => scrape(registry, projector),
  ready: () => Boolean(projector?.ready()) && storage.connected(),
});
// Automations send commands through the gateway below, in this process (docs/automations.md).
let commandsOf: Gateway | undefined;
let automations: RunningAutomations | undefined;
if (config.automations) {
  const started = await startAutomations(config.automations, {
    log: storage.log,
    commands: inProcessCommandPort(() => commandsOf?.commands, Date.now),
    logger,
    registry,
    state: () => projector?.state() ?? EMPTY_STATE,
  });
  if (!started.ok) {
    process.stderr.write(`error: ${started.error}\n`);
    process.exit(2);
  }
  automations = started.automations;
}
projector = await startProjector(config, {
  ...storage,
  registry,
  logger,
  ...(automations ? { reactor: automations.reactor } : {}),
});
void projector.whenReady().then(replayed);
const gateway = await startGateway(
  { ...config, admission: admission.admission, tls: admission.tls },
  {
    ...storage,
    available: storage.connected,
    metricsRegistry: registry,
    logger,
  },
);
commandsOf = gateway;
const running = projector;

// The API is never open: without a tokens file of its own, one is made on the first start.
let apiTokens = config.apiTokens;
if (!apiTokens) {
  await mkdir(config.dataDir, { recursive: true });
  apiTokens = join(config.dataDir, "api-tokens.yaml");
  const tokenFile = join(config.dataDir, "operator-token");
  if ((await ensureOperatorToken(apiTokens, tokenFile, new Date())).created)
    logger.warn(
      { tokenFile },
      `created an API token for the operator: it is in ${tokenFile} (curl -H "Authorization: Bearer $(cat ${tokenFile})" ...)`,
    );
}
const api = await apiFromConfig(
  { ...config, apiTokens },
  [
    commandRoutes({
      commands: gateway.commands,
      knownChargePoint: admission.knownChargePoint,
      commandTimeoutS: config.commandTimeout,
      now: Date.now,
    }),
    chargePointRoutes({ state: running.state }),
    quarantineRoutes({
      state: running.state,
      log: storage.log,
      now: Date.now,
      producer: "operators",
    }),
  ],
  logger,
);
if (!api.ok) {
  process.stderr.write(`error: ${api.error}\n`);
  process.exit(2);
}

logger.info(
  {
    chargePoints: `ws://localhost:${gateway.port}/ocpp/<identity>`,
    metrics: `http://localhost:${ops.port}/metrics`,
    api: `http://localhost:${api.api.port}/v1`,
    storage: config.nats ?? config.dataDir,
  },
  `Levity is running: charge points connect to ws://localhost:${gateway.port}/ocpp/<identity>, metrics at http://localhost:${ops.port}/metrics, API (commands, charge points) at http://localhost:${api.api.port}/v1`,
);

onShutdownSignals(async () => {
  await api.api.stop();
  await automations?.stop();
  await gateway.stop();
  admission.stop();
  await running.stop();
  await ops.close();
  await storage.close();
}, logger);
