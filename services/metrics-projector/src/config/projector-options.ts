import { apiOptions } from "@levity/api-kit";
import { choice, flag, integer, optionalText, optionalUrl, text, url } from "@levity/service-kit";

/** Every setting of the projector: flag, env var, default and meaning, in one table. */
export const projectorOptions = {
  metricsPort: integer({
    env: "METRICS_PORT",
    default: 9091,
    min: 0,
    max: 65535,
    description: "port of /metrics, /healthz and /readyz",
  }),
  host: text({
    env: "METRICS_HOST",
    default: "0.0.0.0",
    description: "address the metrics port binds to",
  }),
  nats: url({
    env: "NATS_URL",
    default: "nats://127.0.0.1:4222",
    schemes: ["nats", "tls", "ws", "wss"],
    description: "NATS server(s), comma-separated",
  }),
  gatewayTimeout: integer({
    env: "GATEWAY_TIMEOUT",
    default: 30,
    min: 1,
    max: 86_400,
    description:
      "seconds without gateway.alive before a gateway is declared lost and its sessions closed",
  }),
  maxStaleness: integer({
    env: "MAX_STALENESS",
    default: 10,
    min: 1,
    max: 3_600,
    description:
      "seconds the projection may go without being verified to hold the whole stream before it is stalled: /readyz 503, levity_projector_stalled 1",
  }),
  snapshotEvery: integer({
    env: "SNAPSHOT_EVERY",
    default: 1_000_000,
    min: 1,
    description: "write a snapshot after this many events...",
  }),
  snapshotInterval: integer({
    env: "SNAPSHOT_INTERVAL",
    default: 60,
    min: 1,
    max: 86_400,
    description: "...or after this many seconds, whichever comes first",
  }),
  maxProjectedChargePoints: integer({
    env: "MAX_PROJECTED_CHARGE_POINTS",
    default: 100_000,
    min: 1,
    description: "most distinct charge points projected; events of others are counted and dropped",
  }),
  maxErrorTypes: integer({
    env: "MAX_ERROR_TYPES",
    default: 32,
    min: 1,
    description:
      "most distinct error codes counted per charge point; others are counted and dropped",
  }),
  stream: text({
    env: "EVENT_STREAM",
    default: "OCPP_EVENTS",
    pattern: /^[A-Za-z0-9_-]{1,64}$/,
    hint: "a JetStream stream name",
    description: "JetStream stream of events (snapshots go to the KV bucket <stream>_SNAPSHOTS)",
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
    description: "subject prefix of the event stream",
  }),
  noHistoryIndex: flag({
    env: "NO_HISTORY_INDEX",
    description:
      "do not write the history index that levity-admin events reads (docs/history.md): for a second replica, as one writes it",
  }),
  ...apiOptions(9081, "charge points, as the projection knows them"),
  automations: optionalText({
    env: "AUTOMATIONS",
    description:
      "run the automations of this file (YAML; re-read on change; docs/automations.md); they send commands through --command-api",
  }),
  commandApi: optionalUrl({
    env: "COMMAND_API",
    schemes: ["http", "https"],
    description:
      "the gateways' command API that automations send commands through, e.g. http://gateway:9080",
  }),
  commandTokenFile: optionalText({
    env: "COMMAND_TOKEN_FILE",
    description:
      "file holding the API token automations send commands with (levity-admin token add automations); every replica uses the same one",
  }),
  logLevel: choice(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
    env: "LOG_LEVEL",
    default: "info",
    description: "log level",
  }),
};
