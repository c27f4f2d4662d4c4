import type { Frame } from "@levity/ocpp";
import {
  type CallAnswer,
  CallTimeout,
  ConnectionClosed,
  HandshakeRefused,
  OcppClient,
} from "../client/ocpp-client.js";
import { dialectFor } from "../protocol/dialects.js";
import type {
  BootReason,
  DialectHost,
  ProtocolDialect,
  StatusOptions,
} from "../protocol/protocol-dialect.js";
import type { SimProtocol } from "../protocol/sim-protocol.js";
import type { SeededRandom } from "../random/seeded-random.js";
import type { CommandEffect } from "./command-effect.js";
import type { ChargingSession } from "./meter-model.js";
import type { SimulationContext } from "./simulation-context.js";
import type { Reservation } from "./station-state.js";

/** What a charge point says about itself at boot. */
export interface ChargePointProfile {
  readonly id: string;
  readonly connectors: number;
  readonly vendor: string;
  readonly model: string;
  readonly firmware: string;
}

/** How a call went, from the charge point's side. */
export type CallResult =
  | { readonly kind: "result"; readonly payload: Record<string, unknown> }
  | { readonly kind: "error"; readonly code: string }
  | { readonly kind: "failed"; readonly reason: "timeout" | "closed" | "offline" }
  /** Kept until the connection is back, then sent (2.0.1's transaction events). */
  | { readonly kind: "queued" };

interface QueuedCall {
  readonly action: string;
  readonly payload: object;
}

/** The central systems of a URL that may be a comma-separated failover list, in order. */
function failoverList(url: string): string[] {
  return url.split(",").map((part) => part.trim());
}

/** Why a connection attempt failed: the socket's error code, or the status a refused handshake got. */
function failureReason(error: unknown): string {
  if (error instanceof HandshakeRefused) return `HTTP ${error.status}`;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" ? code : "other";
}

/**
 * One simulated charge point, speaking OCPP 1.6J or 2.0.1 through its dialect: its connection,
 * connectors, charging sessions and the calls it keeps while offline; it answers the central
 * system's commands as firmware does, and hands what they ask it to do (reboot, start, stop, send
 * a message) to its life through `onEffects`, and the loss of its connection through
 * `onConnectionLost`.
 */
export class SimulatedChargePoint implements DialectHost {
  readonly profile: ChargePointProfile;
  readonly sessions = new Map<number, ChargingSession>();
  /** Connectors set Inoperative by ChangeAvailability. */
  readonly inoperative = new Set<number>();
  readonly reservations = new Map<number, Reservation>();
  /** The status each connector reported last. */
  readonly connectorStatus = new Map<number, string>();
  /** The 1.6 error code of a connector's last status, when it had one (a fault's). */
  readonly connectorErrorCode = new Map<number, string>();
  localListVersion = 0;
  readonly rng: SeededRandom;
  /** How this charge point speaks its protocol. */
  readonly dialect: ProtocolDialect;
  readonly #context: SimulationContext;
  /** The failover list, and the position in it of the central system tried next. */
  readonly #urls: readonly string[];
  #current: number;
  readonly #queue: QueuedCall[] = [];
  #sending: Promise<void> | undefined;
  #client: OcppClient | undefined;
  /** The connection this charge point closed itself: its end is no loss. */
  #leaving: OcppClient | undefined;
  #effects: (effects: readonly CommandEffect[]) => void = () => {};
  #lost: () => void = () => {};

  /** `firstUrl`: where in the failover list it starts (a fleet spreads its charge points by number). */
  constructor(
    profile: ChargePointProfile,
    context: SimulationContext,
    rng: SeededRandom,
    meterIntervalS = 60,
    protocol: SimProtocol = "ocpp1.6",
    firstUrl = 0,
  ) {
    this.profile = profile;
    this.#context = context;
    this.#urls = failoverList(context.url);
    this.#current = firstUrl % this.#urls.length;
    this.rng = rng;
    this.dialect = dialectFor(protocol, this, meterIntervalS);
  }

  get protocol(): SimProtocol {
    return this.dialect.protocol;
  }

  get connectors(): number {
    return this.profile.connectors;
  }

  /** Seconds between Heartbeats: what the central system said at boot or set since. */
  get heartbeatIntervalS(): number {
    return this.dialect.heartbeatIntervalS;
  }

  /** Seconds between meter readings of a charging session. */
  get meterIntervalS(): number {
    return this.dialect.meterIntervalS;
  }

  /** Connectors with a session, by transaction id. */
  get transactions(): ReadonlyMap<number | string, number> {
    return new Map([...this.sessions].map(([connectorId, s]) => [s.transactionId, connectorId]));
  }

  /** Whether transaction messages are kept while offline and sent later (2.0.1), not dropped (1.6). */
  get keepsTransactionsOffline(): boolean {
    return this.dialect.queuedWhileOffline.size > 0;
  }

  /** Calls kept while offline, not yet sent. */
  get queuedMessages(): number {
    return this.#queue.length;
  }

  now(): number {
    return this.#context.now();
  }

  /** What to do with what commands ask: set by the charge point's life. */
  onEffects(handler: (effects: readonly CommandEffect[]) => void): void {
    this.#effects = handler;
  }

  /**
   * What to do when the connection ends without this charge point ending it (the central system
   * closed it, the network cut it): set by the charge point's life.
   */
  onConnectionLost(handler: () => void): void {
    this.#lost = handler;
  }

  get online(): boolean {
    return this.#client?.open ?? false;
  }

  /** Resolves when the current connection closes (at once when there is none). */
  get disconnected(): Promise<unknown> {
    return this.#client?.closed ?? Promise.resolve();
  }

  /** The central system this charge point connects to next (the one it reached last). */
  get url(): string {
    return this.#urls[this.#current] ?? "";
  }

  /**
   * Opens the WebSocket, offering only its protocol, to the central system it reached last; when
   * that fails it moves on to the next of its failover list at once, as firmware walks its list
   * (or the addresses of a DNS name), and stays with the first that answers. False when every one
   * failed; each failure is counted by cause instead of thrown.
   */
  async connect(): Promise<boolean> {
    for (let tried = 0; tried < this.#urls.length; tried++) {
      if (await this.#connectTo(this.url)) return true;
      this.#current = (this.#current + 1) % this.#urls.length;
    }
    return false;
  }

  async #connectTo(url: string): Promise<boolean> {
    const { stats, callTimeoutMs, password } = this.#context;
    const headers = password
      ? {
          Authorization: `Basic ${Buffer.from(`${this.profile.id}:${password}`).toString("base64")}`,
        }
      : undefined;
    let client: OcppClient;
    try {
      client = await OcppClient.connect(url, this.profile.id, {
        protocols: [this.dialect.ocpp.subprotocol],
        callTimeoutMs,
        ...(headers ? { headers } : {}),
      });
    } catch (error) {
      stats.connectFailed(failureReason(error));
      return false;
    }
    this.#client = client;
    client.onCall((action, payload, messageId) => this.#answer(action, payload, messageId));
    stats.connects += 1;
    stats.connected += 1;
    void client.closed.then(() => {
      stats.connected -= 1;
      // A connection a later one replaced is no loss either: the charge point is connected.
      if (client === this.#client && client !== this.#leaving) this.#lost();
    });
    return true;
  }

  /** Closes the connection cleanly. */
  async disconnect(): Promise<void> {
    this.#leaving = this.#client;
    await this.#client?.close();
  }

  /** Drops the connection without a close handshake (power loss, network cut). */
  async drop(): Promise<void> {
    this.#leaving = this.#client;
    this.#client?.terminate();
    await this.disconnected;
  }

  /**
   * Sends a call and checks its answer. Calls kept while offline go first, in order, once the
   * connection is back (a BootNotification still comes before them: it says who is back); a call
   * of the kind that is kept waits for them, and is kept itself while offline.
   */
  async call(action: string, payload: object, expectError = false): Promise<CallResult> {
    if (action !== "BootNotification") await this.#sendQueued();
    const kept = this.dialect.queuedWhileOffline.has(action);
    if (kept && (!this.online || this.#queue.length > 0)) {
      this.#queue.push({ action, payload });
      return { kind: "queued" };
    }
    const outcome = await this.#deliver(action, payload, expectError);
    if (kept && outcome.kind === "failed" && outcome.reason === "closed") {
      this.#queue.push({ action, payload });
      return { kind: "queued" };
    }
    return outcome;
  }

  boot(reason: BootReason = "PowerUp"): Promise<CallResult> {
    return this.dialect.boot(reason);
  }

  heartbeat(): Promise<CallResult> {
    return this.call("Heartbeat", {});
  }

  /** Reports a connector's status, in 1.6's words (the dialect says it its own way). */
  status(
    connectorId: number,
    status: string,
    options: StatusOptions = {},
  ): Promise<CallResult | undefined> {
    this.connectorStatus.set(connectorId, status);
    if (options.errorCode === undefined) this.connectorErrorCode.delete(connectorId);
    else this.connectorErrorCode.set(connectorId, options.errorCode);
    return this.dialect.status(connectorId, status, options);
  }

  /** Reports a fault of a connector, named by a 1.6 error code. */
  fault(connectorId: number, errorCode: string): Promise<void> {
    this.connectorStatus.set(connectorId, "Faulted");
    this.connectorErrorCode.set(connectorId, errorCode);
    return this.dialect.fault(connectorId, errorCode);
  }

  /** Reports that a connector's fault is gone, and its status now. */
  clearFault(connectorId: number, status: string): Promise<void> {
    this.connectorStatus.set(connectorId, status);
    this.connectorErrorCode.delete(connectorId);
    return this.dialect.clearFault(connectorId, status);
  }

  authorize(idTag: string): Promise<CallResult> {
    return this.dialect.authorize(idTag);
  }

  /**
   * Starts a transaction; once the connector has a charging session it draws `targetA`. A 2.0.1
   * one echoes the `remoteStartId` of the request that asked for it.
   */
  startTransaction(
    connectorId: number,
    idTag: string,
    targetA: number,
    remoteStartId?: number,
  ): Promise<CallResult> {
    return this.dialect.startTransaction(connectorId, {
      idTag,
      targetA,
      ...(remoteStartId !== undefined ? { remoteStartId } : {}),
    });
  }

  /** Sends a meter reading of the connector's session (nothing when it has none). */
  meterValues(connectorId: number): Promise<CallResult | undefined> {
    return this.dialect.transactionReading(connectorId);
  }

  /** Stops the connector's transaction (nothing when it has none). */
  stopTransaction(connectorId: number, reason = "Local"): Promise<CallResult | undefined> {
    return this.dialect.stopTransaction(connectorId, reason);
  }

  /** Sends what a TriggerMessage asked for, beyond boot, heartbeat and status. */
  triggered(message: string, connectorIds: readonly number[]): Promise<void> {
    return this.dialect.triggered(message, connectorIds);
  }

  /**
   * Answers a command of the central system: a CALLERROR in the protocol's spelling when it does
   * not match its schema, as firmware would; or silence, or a refusal, as `--silent-rate` and
   * `--reject-rate` ask.
   */
  #answer(action: string, payload: unknown, messageId: string): CallAnswer {
    const { commandReceived, rejectRate, silentRate } = this.#context;
    commandReceived({ cpId: this.profile.id, messageId, action });
    const { commands, errorCodes } = this.dialect.ocpp;
    const violation = commands.validateRequest(action, payload);
    if (violation)
      return { kind: "error", code: errorCodes[violation.kind], description: violation.message };
    if (silentRate > 0 && this.rng.chance(silentRate)) return { kind: "silent" };
    const refused =
      rejectRate > 0 && this.rng.chance(rejectRate) ? this.dialect.rejection(action) : undefined;
    const response = refused ?? this.dialect.answer(action, payload);
    // What the command asks is done once its answer is on its way, as firmware does.
    if (response.effects.length > 0) setImmediate(() => this.#effects(response.effects));
    return response.answer;
  }

  /** Sends the calls kept while offline, oldest first, while the connection lasts. */
  #sendQueued(): Promise<void> {
    if (this.#queue.length === 0 || !this.online) return Promise.resolve();
    this.#sending ??= this.#drainQueue().finally(() => {
      this.#sending = undefined;
    });
    return this.#sending;
  }

  async #drainQueue(): Promise<void> {
    for (let next = this.#queue[0]; next && this.online; next = this.#queue[0]) {
      const outcome = await this.#deliver(next.action, next.payload, false);
      // Lost with the connection: kept for the next one. Answered (even with an error) or timed
      // out after its retries: done.
      if (outcome.kind === "failed" && outcome.reason !== "timeout") return;
      this.#queue.shift();
    }
  }

  /** Sends a call; retries it after a timeout or a CALLERROR when the protocol asks that of its kind. */
  async #deliver(action: string, payload: object, expectError: boolean): Promise<CallResult> {
    const attempts = this.dialect.retried.has(action) && !expectError ? 3 : 1;
    let outcome: CallResult = { kind: "failed", reason: "offline" };
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
      outcome = await this.#callOnce(action, payload, expectError);
      if (outcome.kind === "result" || (outcome.kind === "failed" && outcome.reason !== "timeout"))
        break;
    }
    return outcome;
  }

  async #callOnce(action: string, payload: object, expectError: boolean): Promise<CallResult> {
    const client = this.#client;
    if (!client?.open) return { kind: "failed", reason: "offline" };
    const { stats, expectedErrors, acknowledged } = this.#context;
    stats.called(action, this.protocol);
    const messageId = client.newId();
    const started = performance.now();
    let frame: Frame;
    try {
      frame = await client.call(action, payload, messageId);
    } catch (error) {
      if (error instanceof CallTimeout) {
        stats.misbehaviour.timeouts += 1;
        return { kind: "failed", reason: "timeout" };
      }
      if (error instanceof ConnectionClosed) return { kind: "failed", reason: "closed" };
      throw error;
    }
    stats.answered(performance.now() - started);
    if (frame.kind === "error") {
      stats.callError(frame.errorCode, expectError || expectedErrors.has(frame.errorCode));
      return { kind: "error", code: frame.errorCode };
    }
    if (frame.kind !== "result") return { kind: "failed", reason: "closed" };
    if (this.dialect.ocpp.validator.validateResponse(action, frame.payload))
      stats.misbehaviour.schemaInvalid += 1;
    acknowledged({ cpId: this.profile.id, messageId, action });
    return { kind: "result", payload: frame.payload as Record<string, unknown> };
  }
}
