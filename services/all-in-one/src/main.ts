#!/usr/bin/env node
import { JournalCorruptError } from "@levity/events";
import { type Projector, startProjector } from "@levity/metrics-projector";
import { admissionFromConfig, startGateway } from "@levity/ocpp-gateway";
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

let storage: Storage;
try {
  storage = config.nats
    ? await openNatsStorage(config.nats, config, logger)
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
  metrics: async () =>
    (await registry.metrics()) + (projector ? await projector.renderMetrics() : ""),
  ready: () => Boolean(projector?.ready()) && storage.connected(),
});
projector = await startProjector(config, { ...storage, registry, logger });
const gateway = await startGateway(
  { ...config, admission: admission.admission, tls: admission.tls },
  {
    ...storage,
    available: storage.connected,
    registry,
    logger,
  },
);
const running = projector;

logger.info(
  {
    chargePoints: `ws://localhost:${gateway.port}/ocpp/<identity>`,
    metrics: `http://localhost:${ops.port}/metrics`,
    storage: config.nats ?? config.dataDir,
  },
  `Levity is running: charge points connect to ws://localhost:${gateway.port}/ocpp/<identity>, metrics at http://localhost:${ops.port}/metrics`,
);

onShutdownSignals(async () => {
  await gateway.stop();
  admission.stop();
  await running.stop();
  await ops.close();
  await storage.close();
}, logger);
