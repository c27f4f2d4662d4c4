import { hostname } from "node:os";
import { apiOptions } from "@levity/api-kit";
import { choice, flag, integer, optionalText, text, url } from "@levity/service-kit";

/** Every setting of the gateway: flag, env var, default and meaning, in one table. */
export const gatewayOptions = {
  port: integer({
    env: "OCPP_PORT",
    default: 9000,
    min: 0,
    max: 65535,
    description: "OCPP-J WebSocket port",
  }),
  host: text({
    env: "OCPP_HOST",
    default: "0.0.0.0",
    description: "address the WebSocket port binds to",
  }),
  metricsPort: integer({
    env: "METRICS_PORT",
    default: 9092,
    min: 0,
    max: 65535,
    description: "port of /healthz, /readyz and /metrics",
  }),
  nats: url({
    env: "NATS_URL",
    default: "nats://127.0.0.1:4222",
    schemes: ["nats", "tls", "ws", "wss"],
    description: "NATS server(s), comma-separated",
  }),
  chargePoints: optionalText({
    env: "CHARGE_POINTS",
    description:
      "registry of the charge points allowed in (YAML or JSON; levity-admin manages it); re-read on change or SIGHUP",
  }),
  allowUnknown: flag({
    env: "ALLOW_UNKNOWN",
    description:
      "also admit unregistered charge points, without authentication (labs and demos only)",
  }),
  maxChargePoints: integer({
    env: "MAX_CHARGE_POINTS",
    default: 10_000,
    min: 1,
    description: "most distinct unregistered charge points admitted with --allow-unknown",
  }),
  maxAuthFailures: integer({
    env: "MAX_AUTH_FAILURES",
    default: 10,
    min: 1,
    description:
      "handshakes from one address failed or being checked within a minute before it is refused for a minute",
  }),
  maxCredentialChecks: integer({
    env: "MAX_CREDENTIAL_CHECKS",
    default: 2,
    min: 1,
    max: 64,
    description:
      "password checks (scrypt, on the thread pool) running at once for the whole gateway",
  }),
  credentialCheckQueue: integer({
    env: "CREDENTIAL_CHECK_QUEUE",
    default: 128,
    min: 0,
    description:
      "password checks that may wait for a slot; beyond them a handshake gets 503 with Retry-After",
  }),
  trustedProxies: optionalText({
    env: "TRUSTED_PROXIES",
    description:
      "load balancers (addresses or CIDR ranges, comma-separated) whose X-Forwarded-For names the charge point's address",
  }),
  tlsPort: integer({
    env: "TLS_PORT",
    default: 9443,
    min: 0,
    max: 65535,
    description: "OCPP-J port on TLS (wss), open when --tls-cert and --tls-key are given",
  }),
  tlsCert: optionalText({
    env: "TLS_CERT",
    description: "server certificate (PEM) for the TLS port",
  }),
  tlsKey: optionalText({
    env: "TLS_KEY",
    description: "server private key (PEM) for the TLS port",
  }),
  tlsCa: optionalText({
    env: "TLS_CA",
    description: "CA (PEM) whose client certificates are trusted: security profile 3",
  }),
  gatewayId: text({
    env: "GATEWAY_ID",
    default: hostname(),
    defaultText: "host name",
    pattern: /^[A-Za-z0-9._-]{1,128}$/,
    hint: "1-128 letters, digits, '.', '_' or '-'",
    description: "this gateway's name in events and metrics",
  }),
  heartbeatInterval: integer({
    env: "HEARTBEAT_INTERVAL",
    default: 300,
    min: 1,
    max: 86_400,
    description: "heartbeat interval given to charge points at boot, seconds",
  }),
  pingInterval: integer({
    env: "PING_INTERVAL",
    default: 30,
    min: 0,
    max: 3_600,
    description:
      "WebSocket ping interval, seconds; a peer silent for a whole interval is dropped (0: off)",
  }),
  handshakeTimeoutMs: integer({
    env: "HANDSHAKE_TIMEOUT_MS",
    default: 10_000,
    min: 100,
    max: 300_000,
    description:
      "time a new connection has to complete its TLS handshake, then its HTTP upgrade request, before it is closed (slowloris), ms",
  }),
  aliveInterval: integer({
    env: "ALIVE_INTERVAL",
    default: 5,
    min: 1,
    max: 3_600,
    description: "interval of gateway.alive events, seconds",
  }),
  maxIdentityLength: integer({
    env: "MAX_IDENTITY_LENGTH",
    default: 48,
    min: 1,
    max: 255,
    description: "longest charge point identity accepted",
  }),
  maxPayload: integer({
    env: "MAX_PAYLOAD",
    default: 65_536,
    min: 1_024,
    max: 16_777_216,
    description: "largest WebSocket message accepted, bytes",
  }),
  maxSendBuffer: integer({
    env: "MAX_SEND_BUFFER",
    default: 1_048_576,
    min: 1_024,
    description: "unsent bytes tolerated before a charge point that does not read is dropped",
  }),
  maxQueuedCalls: integer({
    env: "MAX_QUEUED_CALLS",
    default: 10,
    min: 1,
    max: 10_000,
    description: "calls a charge point may queue while one is answered; one more closes it",
  }),
  maxQueuedCommands: integer({
    env: "MAX_QUEUED_COMMANDS",
    default: 10,
    min: 0,
    max: 1_000,
    description:
      "commands that may wait for a charge point behind the one in flight; one more is refused (429)",
  }),
  commandTimeout: integer({
    env: "COMMAND_TIMEOUT",
    default: 30,
    min: 1,
    max: 3_600,
    description:
      "seconds a command may take to be answered (an API call may ask for less); then it times out",
  }),
  ...apiOptions(9080, "commands"),
  batchMaxEvents: integer({
    env: "BATCH_MAX_EVENTS",
    default: 500,
    min: 1,
    max: 10_000,
    description: "most events stored in one message by the group commit",
  }),
  batchMaxBytes: integer({
    env: "BATCH_MAX_BYTES",
    default: 262_144,
    min: 1_024,
    max: 900_000,
    description: "most bytes of events in one message (below NATS max_payload)",
  }),
  publishTimeoutMs: integer({
    env: "PUBLISH_TIMEOUT_MS",
    default: 5_000,
    min: 100,
    max: 60_000,
    description: "how long a commit waits for the stream's acknowledgement, ms",
  }),
  outboxLimit: integer({
    env: "OUTBOX_LIMIT",
    default: 100_000,
    min: 100,
    description: "session events kept for retry while the stream is unreachable",
  }),
  stream: text({
    env: "EVENT_STREAM",
    default: "OCPP_EVENTS",
    pattern: /^[A-Za-z0-9_-]{1,64}$/,
    hint: "a JetStream stream name",
    description: "JetStream stream of events (its transaction-id bucket is <stream>_TXIDS)",
  }),
  streamReplicas: integer({
    env: "STREAM_REPLICAS",
    default: 1,
    min: 1,
    max: 5,
    description:
      "replicas of the stream and KV buckets when this service creates them (3 on a 3-node cluster)",
  }),
  subjectPrefix: text({
    env: "SUBJECT_PREFIX",
    default: "ocpp",
    pattern: /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/,
    hint: "dot-separated tokens",
    description: "subject prefix: events go to <prefix>.events.<gateway>",
  }),
  logLevel: choice(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
    env: "LOG_LEVEL",
    default: "info",
    description: "log level",
  }),
};

export type GatewayOptionTable = typeof gatewayOptions;
