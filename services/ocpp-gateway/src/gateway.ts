import { randomBytes } from "node:crypto";
import type { EventLog } from "@levity/events";
import type { Logger } from "@levity/service-kit";
import type { Registry } from "prom-client";
import type { ChargePointRegistry } from "./admission/charge-point-registry.js";
import { CheckSlots } from "./admission/check-slots.js";
import { stillAdmitted } from "./admission/credential.js";
import { FailureLimiter } from "./admission/failure-limiter.js";
import { Gatekeeper } from "./admission/gatekeeper.js";
import { GroupCommitter } from "./commit/group-committer.js";
import type { TrustedProxies } from "./connection/client-address.js";
import { startKeepalive } from "./connection/keepalive.js";
import {
  type AcceptedConnection,
  startOcppServer,
  type TlsOptions,
} from "./connection/ocpp-server.js";
import { EventStamper } from "./events/event-stamper.js";
import { startAlivePublisher } from "./liveness/alive-publisher.js";
import { callCounter, commitObserver, createGatewayMetrics } from "./metrics/gateway-metrics.js";
import { HANDLERS_BY_SUBPROTOCOL } from "./protocol/protocol-handlers.js";
import { ChargePointSession, type SessionServices } from "./session/charge-point-session.js";
import { SessionRegistry } from "./session/session-registry.js";
import {
  TransactionIdAllocator,
  type TransactionIdBlocks,
} from "./transactions/transaction-ids.js";

// ws fails a connection with these error codes and the matching close codes (RFC 6455, 7.4.1).
const CLOSE_CODE_BY_WS_ERROR: Readonly<Record<string, number>> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 1009,
  WS_ERR_INVALID_UTF8: 1007,
};

function closeCodeOf(error: Error & { code?: string }): number {
  return CLOSE_CODE_BY_WS_ERROR[error.code ?? ""] ?? 1002;
}

/** Who may connect: the registry, the open mode, and how failures are limited. */
export interface AdmissionSettings {
  /** The registry as it is now (it may be reloaded while the gateway runs). */
  readonly registry: () => ChargePointRegistry;
  readonly allowUnknown: boolean;
  readonly maxChargePoints: number;
  /** Failed handshakes per source address per minute before it is refused for a minute. */
  readonly maxAuthFailures: number;
  /** Password checks (scrypt) running at once for the whole gateway, and how many may wait. */
  readonly maxCredentialChecks: number;
  readonly credentialCheckQueue: number;
  /** Load balancers whose X-Forwarded-For names the client (its address is what is rate-limited). */
  readonly trustedProxies: TrustedProxies | undefined;
  /** Calls `listener` with each new registry once it is loaded; returns how to stop. */
  readonly onRegistryChange: (listener: (registry: ChargePointRegistry) => void) => () => void;
}

/** The gateway's settings (see `gatewayOptions` for their meaning and defaults). */
export interface GatewaySettings {
  readonly port: number;
  readonly host: string;
  readonly gatewayId: string;
  readonly heartbeatInterval: number;
  readonly pingInterval: number;
  readonly handshakeTimeoutMs: number;
  readonly aliveInterval: number;
  readonly maxIdentityLength: number;
  readonly maxPayload: number;
  readonly maxSendBuffer: number;
  readonly maxQueuedCalls: number;
  readonly batchMaxEvents: number;
  readonly batchMaxBytes: number;
  readonly outboxLimit: number;
  readonly admission: AdmissionSettings;
  readonly tls: TlsOptions | undefined;
}

/** What the gateway talks to: all I/O beyond its own sockets, injected. */
export interface GatewayDependencies {
  readonly log: EventLog;
  readonly transactionIds: TransactionIdBlocks;
  /** Whether the event log is reachable now. */
  readonly available: () => boolean;
  /** Calls `listener` each time the event log becomes unreachable; returns how to stop. */
  readonly onUnavailable?: (listener: () => void) => () => void;
  readonly registry: Registry;
  readonly logger: Logger;
  readonly now?: () => number;
}

/** A running gateway. */
export interface Gateway {
  readonly port: number;
  readonly tlsPort: number | undefined;
  readonly instance: string;
  sessions(): number;
  /** Graceful stop: refuse new sockets, close every session, store the closes and gateway.stopped. */
  stop(flushTimeoutMs?: number): Promise<boolean>;
}

/** Starts a gateway: the OCPP-J endpoint, its sessions, the group commit and the alive events. */
export async function startGateway(
  settings: GatewaySettings,
  deps: GatewayDependencies,
): Promise<Gateway> {
  const now = deps.now ?? Date.now;
  const instance = randomBytes(6).toString("hex");
  const logger = deps.logger.child({ gatewayId: settings.gatewayId, instance });
  const metrics = createGatewayMetrics(deps.registry);
  const stamper = new EventStamper(settings.gatewayId, instance);
  const committer = new GroupCommitter(
    deps.log,
    {
      producer: settings.gatewayId,
      instance,
      maxEvents: settings.batchMaxEvents,
      maxSize: settings.batchMaxBytes,
      outboxLimit: settings.outboxLimit,
      available: deps.available,
      ...(deps.onUnavailable ? { onUnavailable: deps.onUnavailable } : {}),
      retryDelayMs: 500,
    },
    commitObserver(metrics),
  );
  const registry = new SessionRegistry();
  const services: SessionServices = {
    committer,
    stamper,
    transactionIds: new TransactionIdAllocator(deps.transactionIds),
    metrics,
    countCall: callCounter(metrics),
    idTagAccepted: (idTag) => settings.admission.registry().idTagAccepted(idTag),
    logger,
    now,
    limits: {
      maxQueuedCalls: settings.maxQueuedCalls,
      maxSendBuffer: settings.maxSendBuffer,
      heartbeatIntervalS: settings.heartbeatInterval,
    },
    ended: (session) => registry.remove(session),
  };

  const accept = ({
    socket,
    identity,
    subprotocol,
    remoteAddress,
    credential,
  }: AcceptedConnection) => {
    const handlers = HANDLERS_BY_SUBPROTOCOL.get(subprotocol);
    if (!handlers) {
      socket.close(1002, "unsupported subprotocol");
      return;
    }
    const session = new ChargePointSession(
      socket,
      handlers,
      stamper.openSession(identity),
      services,
    );
    socket.on("message", (data, isBinary) => {
      if (isBinary) session.close("protocol-violation", 1003);
      else session.receive(data.toString());
    });
    socket.on("ping", (data) => session.pinged(data));
    socket.on("pong", () => {
      session.alive = true;
    });
    socket.on("error", (error) => session.markProtocolError(closeCodeOf(error)));
    socket.on("close", (code) => session.socketClosed(code));
    registry.admit(session, credential);
    session.open(remoteAddress);
    // The registry may have changed while this handshake was being decided.
    if (!stillAdmitted(identity, credential, settings.admission.registry()))
      session.close("revoked", 1008);
  };
  // Removal (or a new profile or password) means out: such sessions end within the re-read delay.
  const stopRevoking = settings.admission.onRegistryChange((current) => {
    const revoked = registry.closeUnless(
      (cpId, credential) => stillAdmitted(cpId, credential, current),
      "revoked",
      1008,
    );
    if (revoked > 0)
      logger.warn({ sessions: revoked }, "closed sessions the registry no longer admits");
  });

  const gatekeeper = new Gatekeeper(
    settings.admission.registry,
    {
      allowUnknown: settings.admission.allowUnknown,
      maxUnknown: settings.admission.maxChargePoints,
    },
    new FailureLimiter({
      maxFailures: settings.admission.maxAuthFailures,
      windowMs: 60_000,
      blockMs: 60_000,
      maxWaiting: settings.admission.credentialCheckQueue,
    }),
    new CheckSlots(settings.admission.maxCredentialChecks, settings.admission.credentialCheckQueue),
    now,
  );
  const server = await startOcppServer(
    {
      port: settings.port,
      host: settings.host,
      maxIdentityLength: settings.maxIdentityLength,
      maxPayload: settings.maxPayload,
      handshakeTimeoutMs: settings.handshakeTimeoutMs,
      trustedProxies: settings.admission.trustedProxies,
      tls: settings.tls,
    },
    { gatekeeper, metrics, logger },
    accept,
  );
  const stopKeepalive = startKeepalive(registry, settings.pingInterval * 1000);
  const stopAlive = startAlivePublisher(
    { committer, stamper, now, startedAt: now(), sessions: () => registry.size, logger },
    settings.aliveInterval * 1000,
  );
  logger.info({ port: server.port, tlsPort: server.tlsPort }, "gateway listening");

  return {
    port: server.port,
    tlsPort: server.tlsPort,
    instance,
    sessions: () => registry.size,
    stop: async (flushTimeoutMs = 10_000) => {
      server.stopAccepting();
      stopRevoking();
      stopKeepalive();
      stopAlive();
      registry.closeAll("gateway-shutdown", 1001);
      committer.store([stamper.gatewayEvent("gateway.stopped", { instance }, now())]);
      const flushed = await committer.flush(flushTimeoutMs);
      committer.stop();
      if (!flushed)
        logger.error({ outbox: committer.outboxDepth }, "stopped with events not stored");
      return flushed;
    },
  };
}
