import { JetStreamEventLog, NatsCommandRoute } from "@levity/nats";
import { createLogger } from "@levity/service-kit";
import { uniqueName } from "@levity/testkit";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { Registry } from "prom-client";
import { ChargePointRegistry } from "../../src/admission/charge-point-registry.js";
import { type Gateway, type GatewaySettings, startGateway } from "../../src/gateway.js";
import { KvTransactionIdBlocks } from "../../src/transactions/kv-transaction-id-blocks.js";

const OPEN = new ChargePointRegistry([]);

/** Settings for gateways under test: an OS-chosen port, fast timers, defaults otherwise. */
export function testSettings(overrides: Partial<GatewaySettings> = {}): GatewaySettings {
  return {
    port: 0,
    host: "127.0.0.1",
    gatewayId: "gw-test",
    heartbeatInterval: 300,
    pingInterval: 0,
    handshakeTimeoutMs: 10_000,
    aliveInterval: 60,
    maxIdentityLength: 48,
    maxPayload: 65_536,
    maxSendBuffer: 1_048_576,
    maxQueuedCalls: 10,
    maxQueuedCommands: 10,
    commandTimeout: 30,
    batchMaxEvents: 500,
    batchMaxBytes: 262_144,
    outboxLimit: 100_000,
    admission: {
      chargePoints: () => OPEN,
      allowUnknown: true,
      maxChargePoints: 10_000,
      maxAuthFailures: 10,
      maxCredentialChecks: 2,
      credentialCheckQueue: 128,
      trustedProxies: undefined,
      onRegistryChange: () => () => {},
    },
    tls: undefined,
    ...overrides,
  };
}

/** One isolated event stream (own stream, subjects and transaction-id bucket) on a NATS server. */
export interface StreamSpace {
  readonly stream: string;
  readonly subjectPrefix: string;
  readonly bucket: string;
  /** The owners bucket of the command route. */
  readonly owners: string;
}

export function newStreamSpace(): StreamSpace {
  const subjectPrefix = uniqueName("gw");
  const stream = subjectPrefix.toUpperCase();
  return { stream, subjectPrefix, bucket: `${stream}_TXIDS`, owners: `${stream}_OWNERS` };
}

/** A gateway running in this process against real NATS, with its connection and metrics. */
export interface GatewayUnderTest {
  readonly gateway: Gateway;
  readonly log: JetStreamEventLog;
  readonly route: NatsCommandRoute;
  readonly connection: NatsConnection;
  readonly registry: Registry;
  readonly url: string;
  /** wss URL of the TLS port, when the gateway has one. */
  readonly tlsUrl: string | undefined;
  stop(): Promise<void>;
}

/** Starts a gateway on its own NATS connection, as a separate process would have. */
export async function startTestGateway(
  natsUrl: string,
  space: StreamSpace,
  overrides: Partial<GatewaySettings> = {},
  logs?: NodeJS.WritableStream,
): Promise<GatewayUnderTest> {
  const connection = await connect({
    servers: natsUrl,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 100,
  });
  let connected = true;
  void (async () => {
    for await (const status of connection.status()) {
      if (status.type === "disconnect") connected = false;
      if (status.type === "reconnect") connected = true;
    }
  })();
  const log = await JetStreamEventLog.open(connection, {
    stream: space.stream,
    subjectPrefix: space.subjectPrefix,
    publishTimeoutMs: 1_000,
  });
  const transactionIds = await KvTransactionIdBlocks.open(connection, space.bucket);
  const route = await NatsCommandRoute.open(connection, {
    bucket: space.owners,
    subjectPrefix: space.subjectPrefix,
  });
  const registry = new Registry();
  const gateway = await startGateway(testSettings(overrides), {
    log,
    transactionIds,
    route,
    available: () => connected,
    metricsRegistry: registry,
    logger: createLogger({
      service: "ocpp-gateway",
      level: logs ? "info" : "silent",
      ...(logs ? { destination: logs } : {}),
    }),
  });
  return {
    gateway,
    log,
    route,
    connection,
    registry,
    url: `ws://127.0.0.1:${gateway.port}/ocpp`,
    tlsUrl: gateway.tlsPort ? `wss://localhost:${gateway.tlsPort}/ocpp` : undefined,
    stop: async () => {
      await gateway.stop(2_000);
      await route.close();
      await log.close();
      await connection.close();
    },
  };
}
