#!/usr/bin/env node
import { apiFromConfig } from "@levity/api-kit";
import { connectNats, JetStreamEventLog, NatsCommandRoute } from "@levity/nats";
import { createLogger, onShutdownSignals, readConfig, startOpsServer } from "@levity/service-kit";
import { collectDefaultMetrics, Registry } from "prom-client";
import { commandRoutes } from "./api/command-routes.js";
import { admissionFromConfig } from "./config/admission-config.js";
import { gatewayOptions } from "./config/gateway-options.js";
import { startGateway } from "./gateway.js";
import { KvTransactionIdBlocks } from "./transactions/kv-transaction-id-blocks.js";

const config = readConfig(gatewayOptions, {
  usage: "node services/ocpp-gateway/dist/main.js [options]",
  summary:
    "Levity OCPP gateway: terminates OCPP-J WebSockets and stores every fact in NATS JetStream.",
});
const logger = createLogger({ service: "ocpp-gateway", level: config.logLevel });
const admission = await admissionFromConfig(config, logger);
if (!admission.ok) {
  process.stderr.write(`error: ${admission.error}\n`);
  process.exit(2);
}

const nats = await connectNats(config.nats, `ocpp-gateway ${config.gatewayId}`, logger);
const log = await JetStreamEventLog.open(nats.connection, {
  stream: config.stream,
  subjectPrefix: config.subjectPrefix,
  publishTimeoutMs: config.publishTimeoutMs,
  replicas: config.streamReplicas,
});
const transactionIds = await KvTransactionIdBlocks.open(
  nats.connection,
  `${config.stream}_TXIDS`,
  config.streamReplicas,
);
const route = await NatsCommandRoute.open(nats.connection, {
  bucket: `${config.stream}_OWNERS`,
  subjectPrefix: config.subjectPrefix,
  replicas: config.streamReplicas,
});
const registry = new Registry();
collectDefaultMetrics({ register: registry });

const gateway = await startGateway(
  { ...config, admission: admission.admission, tls: admission.tls },
  {
    log,
    transactionIds,
    route,
    available: nats.connected,
    onUnavailable: nats.onDisconnect,
    metricsRegistry: registry,
    logger,
  },
);
const api = await apiFromConfig(
  config,
  [
    commandRoutes({
      commands: gateway.commands,
      knownChargePoint: admission.knownChargePoint,
      commandTimeoutS: config.commandTimeout,
      now: Date.now,
    }),
  ],
  logger,
);
if (!api.ok) {
  process.stderr.write(`error: ${api.error}\n`);
  process.exit(2);
}
const ops = await startOpsServer({
  port: config.metricsPort,
  metrics: async function* () {
    yield await registry.metrics();
  },
  ready: async () =>
    nats.connected() &&
    (await log.lastSequence().then(
      () => true,
      () => false,
    )),
});
logger.info(
  { ocpp: `ws://localhost:${gateway.port}/ocpp/<identity>`, metricsPort: ops.port },
  "gateway ready",
);

onShutdownSignals(async () => {
  await api.api.stop();
  await gateway.stop();
  await route.close();
  admission.stop();
  await ops.close();
  await log.close();
  await nats.connection.drain();
}, logger);
