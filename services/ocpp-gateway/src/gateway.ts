import { randomBytes } from "node:crypto";
import type { CommandRoute } from "@levity/commands";
import type { EventLog } from "@levity/events";
import type { Logger } from "@levity/service-kit";
import type { Registry } from "prom-client";
import type { ChargePointRegistry } from "./admission/charge-point-registry.js";
import { CheckSlots } from "./admission/check-slots.js";
import { stillAdmitted } from "./admission/credential.js";
import { FailureLimiter } from "./admission/failure-limiter.js";
import { Gatekeeper } from "./admission/gatekeeper.js";
import { CommandJournal } from "./commands/command-journal.js";
import { CommandService } from "./commands/command-service.js";
import { GroupCommitter } from "./commit/group-committer.js";
import type { TrustedProxies } from "./connection/client-address.js";
import { startKeepalive } from "./connection/keepalive.js";
import { startOcppServer, type TlsOptions } from "./connection/ocpp-server.js";
import { EventStamper } from "./events/event-stamper.js";
import { startAlivePublisher } from "./liveness/alive-publisher.js";
import { callCounter, commitObserver, createGatewayMetrics } from "./metrics/gateway-metrics.js";
import { sessionOpener } from "./session/session-opener.js";
import { SessionRegistry } from "./session/session-registry.js";
import {
  TransactionIdAllocator,
  type TransactionIdBlocks,
} from "./transactions/transaction-ids.js";

/** Who may connect: the registry, the open mode, and how failures are limited. */
export interface AdmissionSettings {
  /** The charge point registry as it is now (it may be reloaded while the gateway runs). */
  readonly chargePoints: () => ChargePointRegistry;
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
  readonly maxQueuedCommands: number;
  /** Seconds a command may wait for the charge point's answer. */
  readonly commandTimeout: number;
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
  /** How commands reach the gateway holding a charge point's session. */
  readonly route: CommandRoute;
  /** Whether the event log is reachable now. */
  readonly available: () => boolean;
  /** Calls `listener` each time the event log becomes unreachable; returns how to stop. */
  readonly onUnavailable?: (listener: () => void) => () => void;
  /** Where the gateway's own series are registered. */
  readonly metricsRegistry: Registry;
  readonly logger: Logger;
  readonly now?: () => number;
}

/** A running gateway. */
export interface Gateway {
  readonly port: number;
  readonly tlsPort: number | undefined;
  readonly instance: string;
  /** Sends commands to charge points, wherever their session is. */
  readonly commands: CommandService;
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
  const metrics = createGatewayMetrics(deps.metricsRegistry);
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
  const sessions = new SessionRegistry();
  const journal = new CommandJournal(deps.log, { gatewayId: settings.gatewayId, instance });
  const accept = sessionOpener({
    services: {
      committer,
      stamper,
      transactionIds: new TransactionIdAllocator(deps.transactionIds),
      metrics,
      countCall: callCounter(metrics),
      idTagAccepted: (idTag) => settings.admission.chargePoints().idTagAccepted(idTag),
      logger,
      now,
      limits: {
        maxQueuedCalls: settings.maxQueuedCalls,
        maxSendBuffer: settings.maxSendBuffer,
        heartbeatIntervalS: settings.heartbeatInterval,
        maxQueuedCommands: settings.maxQueuedCommands,
        commandTimeoutMs: settings.commandTimeout * 1000,
      },
    },
    stamper,
    sessions,
    route: deps.route,
    journal,
    admissionRegistry: settings.admission.chargePoints,
    logger,
  });
  // Removal (or a new profile or password) means out: such sessions end within the re-read delay.
  const stopRevoking = settings.admission.onRegistryChange((current) => {
    const revoked = sessions.closeUnless(
      (cpId, credential) => stillAdmitted(cpId, credential, current),
      "revoked",
      1008,
    );
    if (revoked > 0)
      logger.warn({ sessions: revoked }, "closed sessions the registry no longer admits");
  });

  const gatekeeper = new Gatekeeper(
    settings.admission.chargePoints,
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
  const stopKeepalive = startKeepalive(sessions, settings.pingInterval * 1000);
  const stopAlive = startAlivePublisher(
    { committer, stamper, now, startedAt: now(), sessions: () => sessions.size, logger },
    settings.aliveInterval * 1000,
  );
  logger.info({ port: server.port, tlsPort: server.tlsPort }, "gateway listening");

  return {
    port: server.port,
    tlsPort: server.tlsPort,
    instance,
    commands: new CommandService({ route: deps.route, journal, logger, now }),
    sessions: () => sessions.size,
    stop: async (flushTimeoutMs = 10_000) => {
      server.stopAccepting();
      stopRevoking();
      stopKeepalive();
      stopAlive();
      sessions.closeAll("gateway-shutdown", 1001);
      committer.store([stamper.gatewayEvent("gateway.stopped", { instance }, now())]);
      const flushed = await committer.flush(flushTimeoutMs);
      committer.stop();
      if (!flushed)
        logger.error({ outbox: committer.outboxDepth }, "stopped with events not stored");
      return flushed;
    },
  };
}
