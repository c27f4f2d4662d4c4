#!/usr/bin/env node
import { apiFromConfig } from "@levity/api-kit";
import { connectNats, JetStreamEventLog } from "@levity/nats";
import {
  createLogger,
  onShutdownSignals,
  readConfig,
  startOpsServer,
  untilOpened,
} from "@levity/service-kit";
import { collectDefaultMetrics, Registry } from "prom-client";
import { chargePointRoutes } from "./api/charge-point-routes.js";
import { quarantineRoutes } from "./automations/api/quarantine-routes.js";
import { httpCommandPortFromConfig } from "./automations/commands/http-command-port.js";
import { type RunningAutomations, startAutomations } from "./automations/start-automations.js";
import { projectorOptions } from "./config/projector-options.js";
import { indexHistoryInBackground } from "./history/background-indexer.js";
import { scrape } from "./metrics/scrape.js";
import { type Projector, startProjector } from "./projector.js";
import { KvSnapshotStore } from "./snapshots/kv-snapshot-store.js";
import { EMPTY_STATE } from "./state/projection-state.js";

const config = readConfig(projectorOptions, {
  usage: "node services/metrics-projector/dist/main.js [options]",
  summary:
    "Levity metrics projector: replays and follows the event stream and serves Prometheus metrics.",
});
const logger = createLogger({ service: "metrics-projector", level: config.logLevel });

const registry = new Registry();
collectDefaultMetrics({ register: registry });

// The ops endpoint answers from the start, before NATS is reached and during the replay: alive
// (/healthz 200), not ready (/readyz 503).
let projector: Projector | undefined;
let connected = () => false;
const ops = await startOpsServer({
  port: config.metricsPort,
  host: config.host,
  metrics: () => scrape(registry, projector),
  ready: () => Boolean(projector?.ready()) && connected(),
});

const nats = await connectNats(config.nats, "metrics-projector", logger);
connected = nats.connected;
const log = await untilOpened(
  "the event stream",
  () =>
    JetStreamEventLog.open(nats.connection, {
      stream: config.stream,
      subjectPrefix: config.subjectPrefix,
      onReaderRestart: (reason, next) =>
        logger.warn({ reason, from: next }, "replaced the event stream consumer"),
    }),
  logger,
);
const snapshots = await untilOpened(
  "the snapshot bucket",
  () => KvSnapshotStore.open(nats.connection, `${config.stream}_SNAPSHOTS`),
  logger,
);
// Automations send commands through the gateways' API with a token of their own (docs/automations.md).
let automations: RunningAutomations | undefined;
if (config.automations) {
  const port = await httpCommandPortFromConfig(config);
  const started = port.ok
    ? await startAutomations(config.automations, {
        log,
        commands: port.port,
        logger,
        registry,
        state: () => projector?.state() ?? EMPTY_STATE,
      })
    : port;
  if (!started.ok) {
    process.stderr.write(`error: ${started.error}\n`);
    process.exit(2);
  }
  automations = started.automations;
}
projector = await startProjector(config, {
  log,
  snapshots,
  connected: nats.connected,
  registry,
  logger,
  ...(automations ? { reactor: automations.reactor } : {}),
});
const running = projector;
logger.info({ metrics: `http://localhost:${ops.port}/metrics` }, "projector started");

// The charge-point API reads the state /metrics renders (docs/openapi.json).
const api = await apiFromConfig(
  config,
  [
    chargePointRoutes({ state: running.state }),
    quarantineRoutes({ state: running.state, log, now: Date.now, producer: "operators" }),
  ],
  logger,
);
if (!api.ok) {
  process.stderr.write(`error: ${api.error}\n`);
  process.exit(2);
}
const apiServer = api.api;

// The history index behind `levity-admin events` (docs/history.md); one replica writes it.
const history = config.noHistoryIndex
  ? undefined
  : indexHistoryInBackground(nats.connection, {
      stream: config.stream,
      subjectPrefix: config.subjectPrefix,
      logger,
      after: running.whenReady(),
    });

onShutdownSignals(async () => {
  await apiServer.stop();
  await automations?.stop();
  await running.stop();
  await history?.stop();
  await ops.close();
  await log.close();
  await nats.connection.drain();
}, logger);
