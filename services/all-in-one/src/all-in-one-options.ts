import { projectorOptions } from "@levity/metrics-projector";
import { gatewayOptions } from "@levity/ocpp-gateway";
import { optionalUrl, text } from "@levity/service-kit";

/** The all-in-one's settings: the gateway's and the projector's, one metrics port, and where data lives. */
export const allInOneOptions = {
  port: gatewayOptions.port,
  host: gatewayOptions.host,
  metricsPort: projectorOptions.metricsPort,
  dataDir: text({
    env: "DATA_DIR",
    default: "./data",
    description: "where the embedded event log and the projector's snapshot are kept",
  }),
  nats: optionalUrl({
    env: "NATS_URL",
    defaultText: "none: embedded log",
    schemes: ["nats", "tls", "ws", "wss"],
    description: "use NATS JetStream at this URL instead of the embedded log",
  }),
  chargePoints: gatewayOptions.chargePoints,
  allowUnknown: gatewayOptions.allowUnknown,
  maxChargePoints: gatewayOptions.maxChargePoints,
  maxAuthFailures: gatewayOptions.maxAuthFailures,
  tlsPort: gatewayOptions.tlsPort,
  tlsCert: gatewayOptions.tlsCert,
  tlsKey: gatewayOptions.tlsKey,
  tlsCa: gatewayOptions.tlsCa,
  gatewayId: gatewayOptions.gatewayId,
  heartbeatInterval: gatewayOptions.heartbeatInterval,
  pingInterval: gatewayOptions.pingInterval,
  aliveInterval: gatewayOptions.aliveInterval,
  gatewayTimeout: projectorOptions.gatewayTimeout,
  maxIdentityLength: gatewayOptions.maxIdentityLength,
  maxPayload: gatewayOptions.maxPayload,
  maxSendBuffer: gatewayOptions.maxSendBuffer,
  maxQueuedCalls: gatewayOptions.maxQueuedCalls,
  batchMaxEvents: gatewayOptions.batchMaxEvents,
  batchMaxBytes: gatewayOptions.batchMaxBytes,
  publishTimeoutMs: gatewayOptions.publishTimeoutMs,
  outboxLimit: gatewayOptions.outboxLimit,
  maxProjectedChargePoints: projectorOptions.maxProjectedChargePoints,
  maxErrorTypes: projectorOptions.maxErrorTypes,
  snapshotEvery: projectorOptions.snapshotEvery,
  snapshotInterval: projectorOptions.snapshotInterval,
  stream: gatewayOptions.stream,
  subjectPrefix: gatewayOptions.subjectPrefix,
  logLevel: gatewayOptions.logLevel,
};
