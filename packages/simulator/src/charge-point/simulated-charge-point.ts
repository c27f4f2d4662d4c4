import type { Frame } from "@levity/ocpp";
import {
  type CallAnswer,
  CallTimeout,
  ConnectionClosed,
  OcppClient,
} from "../client/ocpp-client.js";
import type { SeededRandom } from "../random/seeded-random.js";
import {
  type CommandEffect,
  type ConfigurationValue,
  initialConfiguration,
  rejection,
  respond,
} from "./command-responder.js";
import { type ChargingSession, meterReading } from "./meter-model.js";
import type { SimulationContext } from "./simulation-context.js";

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
  | { readonly kind: "failed"; readonly reason: "timeout" | "closed" | "offline" };

// 1.6 charge points retry these until the central system takes them (OCPP 1.6, 4.10).
const TRANSACTION_MESSAGES = new Set(["StartTransaction", "StopTransaction", "MeterValues"]);

/**
 * One simulated OCPP 1.6J charge point: its connection, connectors, charging sessions and
 * configuration; it answers the central system's commands as firmware does, and hands what they
 * ask it to do (reboot, start, stop, send a message) to its life through `onEffects`.
 */
export class SimulatedChargePoint {
  readonly profile: ChargePointProfile;
  readonly sessions = new Map<number, ChargingSession>();
  readonly configuration: Map<string, ConfigurationValue>;
  /** Connectors set Inoperative by ChangeAvailability. */
  readonly inoperative = new Set<number>();
  readonly reservations = new Map<
    number,
    { readonly connectorId: number; readonly idTag: string }
  >();
  /** The status each connector reported last. */
  readonly connectorStatus = new Map<number, string>();
  localListVersion = 0;
  readonly #context: SimulationContext;
  readonly #rng: SeededRandom;
  #client: OcppClient | undefined;
  #effects: (effects: readonly CommandEffect[]) => void = () => {};

  constructor(
    profile: ChargePointProfile,
    context: SimulationContext,
    rng: SeededRandom,
    meterIntervalS = 60,
  ) {
    this.profile = profile;
    this.#context = context;
    this.#rng = rng;
    this.configuration = initialConfiguration(profile.connectors, 300, meterIntervalS);
  }

  get connectors(): number {
    return this.profile.connectors;
  }

  /** Seconds between Heartbeats: what the central system said at boot or set since. */
  get heartbeatIntervalS(): number {
    return Number(this.configuration.get("HeartbeatInterval")?.value ?? 300);
  }

  /** Seconds between MeterValues of a charging session (MeterValueSampleInterval). */
  get meterIntervalS(): number {
    return Number(this.configuration.get("MeterValueSampleInterval")?.value ?? 60);
  }

  /** Connectors with a session, by transaction id. */
  get transactions(): ReadonlyMap<number, number> {
    return new Map([...this.sessions].map(([connectorId, s]) => [s.transactionId, connectorId]));
  }

  /** What to do with what commands ask: set by the charge point's life. */
  onEffects(handler: (effects: readonly CommandEffect[]) => void): void {
    this.#effects = handler;
  }

  get online(): boolean {
    return this.#client?.open ?? false;
  }

  /** Resolves when the current connection closes (at once when there is none). */
  get disconnected(): Promise<unknown> {
    return this.#client?.closed ?? Promise.resolve();
  }

  /** Opens the WebSocket; counts a failure instead of throwing. */
  async connect(): Promise<boolean> {
    const { url, stats, callTimeoutMs, password } = this.#context;
    const headers = password
      ? {
          Authorization: `Basic ${Buffer.from(`${this.profile.id}:${password}`).toString("base64")}`,
        }
      : undefined;
    try {
      this.#client = await OcppClient.connect(url, this.profile.id, {
        callTimeoutMs,
        ...(headers ? { headers } : {}),
      });
    } catch {
      stats.connectFailures += 1;
      return false;
    }
    this.#client.onCall((action, payload, messageId) => this.#answer(action, payload, messageId));
    stats.connects += 1;
    stats.connected += 1;
    void this.#client.closed.then(() => {
      stats.connected -= 1;
    });
    return true;
  }

  /** Closes the connection cleanly. */
  async disconnect(): Promise<void> {
    await this.#client?.close();
  }

  /** Drops the connection without a close handshake (power loss, network cut). */
  async drop(): Promise<void> {
    this.#client?.terminate();
    await this.disconnected;
  }

  /** Sends a call, checks its answer, retries transaction messages on an error as 1.6 requires. */
  async call(
    action: string,
    payload: Record<string, unknown>,
    expectError = false,
  ): Promise<CallResult> {
    const attempts = TRANSACTION_MESSAGES.has(action) && !expectError ? 3 : 1;
    let outcome: CallResult = { kind: "failed", reason: "offline" };
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
      outcome = await this.#callOnce(action, payload, expectError);
      if (outcome.kind === "result" || (outcome.kind === "failed" && outcome.reason !== "timeout"))
        break;
    }
    return outcome;
  }

  async boot(): Promise<CallResult> {
    const { vendor, model, firmware } = this.profile;
    const outcome = await this.call("BootNotification", {
      chargePointVendor: vendor,
      chargePointModel: model,
      firmwareVersion: firmware,
    });
    const interval = this.configuration.get("HeartbeatInterval");
    if (
      interval &&
      outcome.kind === "result" &&
      typeof outcome.payload.interval === "number" &&
      outcome.payload.interval > 0
    ) {
      interval.value = String(outcome.payload.interval);
    }
    return outcome;
  }

  heartbeat(): Promise<CallResult> {
    return this.call("Heartbeat", {});
  }

  status(connectorId: number, status: string, errorCode = "NoError"): Promise<CallResult> {
    this.connectorStatus.set(connectorId, status);
    return this.call("StatusNotification", {
      connectorId,
      errorCode,
      status,
      timestamp: this.#isoNow(),
    });
  }

  authorize(idTag: string): Promise<CallResult> {
    return this.call("Authorize", { idTag });
  }

  /** Starts a transaction; on success the connector has a charging session drawing `targetA`. */
  async startTransaction(connectorId: number, idTag: string, targetA: number): Promise<CallResult> {
    const meterStart = Math.round(this.#rng.between(0, 5_000_000));
    const outcome = await this.call("StartTransaction", {
      connectorId,
      idTag,
      meterStart,
      timestamp: this.#isoNow(),
    });
    if (outcome.kind === "result" && typeof outcome.payload.transactionId === "number") {
      this.sessions.set(connectorId, {
        transactionId: outcome.payload.transactionId,
        targetA,
        energyWh: meterStart,
        lastSampleAt: this.#context.now(),
      });
    }
    return outcome;
  }

  /** Sends a meter reading of the connector's session (nothing when it has none). */
  async meterValues(connectorId: number): Promise<CallResult | undefined> {
    const session = this.sessions.get(connectorId);
    if (!session) return undefined;
    const sampledValue = meterReading(session, this.#context.now(), this.#rng);
    return this.call("MeterValues", {
      connectorId,
      transactionId: session.transactionId,
      meterValue: [{ timestamp: this.#isoNow(), sampledValue }],
    });
  }

  /** Stops the connector's transaction (nothing when it has none). */
  async stopTransaction(connectorId: number, reason = "Local"): Promise<CallResult | undefined> {
    const session = this.sessions.get(connectorId);
    if (!session) return undefined;
    this.sessions.delete(connectorId);
    return this.call("StopTransaction", {
      transactionId: session.transactionId,
      meterStop: Math.round(session.energyWh),
      timestamp: this.#isoNow(),
      reason,
    });
  }

  /** Answers a command of the central system (or stays silent, as `--silent-rate` asks). */
  #answer(action: string, payload: unknown, messageId: string): CallAnswer {
    const { commandReceived, rejectRate, silentRate } = this.#context;
    commandReceived({ cpId: this.profile.id, messageId, action });
    if (silentRate > 0 && this.#rng.chance(silentRate)) return { kind: "silent" };
    const refused = rejectRate > 0 && this.#rng.chance(rejectRate) ? rejection(action) : undefined;
    const response = refused ?? respond(this, action, payload);
    // What the command asks is done once its answer is on its way, as firmware does.
    if (response.effects.length > 0) setImmediate(() => this.#effects(response.effects));
    return response.answer;
  }

  async #callOnce(
    action: string,
    payload: Record<string, unknown>,
    expectError: boolean,
  ): Promise<CallResult> {
    const client = this.#client;
    if (!client?.open) return { kind: "failed", reason: "offline" };
    const { stats, validator, expectedErrors, acknowledged } = this.#context;
    stats.called(action);
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
    if (validator.validateResponse(action, frame.payload)) stats.misbehaviour.schemaInvalid += 1;
    acknowledged({ cpId: this.profile.id, messageId, action });
    return { kind: "result", payload: frame.payload as Record<string, unknown> };
  }

  #isoNow(): string {
    return new Date(this.#context.now()).toISOString();
  }
}
