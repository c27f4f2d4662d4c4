import { apiOptions } from "@levity/api-kit";
import { projectorOptions } from "@levity/metrics-projector";
import { gatewayOptions } from "@levity/ocpp-gateway";
import { optionalText, optionalUrl, text } from "@levity/service-kit";

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
  maxCredentialChecks: gatewayOptions.maxCredentialChecks,
  credentialCheckQueue: gatewayOptions.credentialCheckQueue,
  trustedProxies: gatewayOptions.trustedProxies,
  tlsPort: gatewayOptions.tlsPort,
  tlsCert: gatewayOptions.tlsCert,
  tlsKey: gatewayOptions.tlsKey,
  tlsCa: gatewayOptions.tlsCa,
  gatewayId: gatewayOptions.gatewayId,
  heartbeatInterval: gatewayOptions.heartbeatInterval,
  pingInterval: gatewayOptions.pingInterval,
  handshakeTimeoutMs: gatewayOptions.handshakeTimeoutMs,
  aliveInterval: gatewayOptions.aliveInterval,
  gatewayTimeout: projectorOptions.gatewayTimeout,
  maxStaleness: projectorOptions.maxStaleness,
  maxIdentityLength: gatewayOptions.maxIdentityLength,
  maxPayload: gatewayOptions.maxPayload,
  maxSendBuffer: gatewayOptions.maxSendBuffer,
  maxQueuedCalls: gatewayOptions.maxQueuedCalls,
  maxQueuedCommands: gatewayOptions.maxQueuedCommands,
  commandTimeout: gatewayOptions.commandTimeout,
  ...apiOptions(9080, "commands and charge points"),
  automations: projectorOptions.automations,
  apiTokens: optionalText({
    env: "API_TOKENS",
    description:
      "file of the API's bearer tokens (levity-admin token add manages it); default <data-dir>/api-tokens.yaml, created on first start with an operator token",
  }),
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
