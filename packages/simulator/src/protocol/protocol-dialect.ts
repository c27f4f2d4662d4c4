import type { OcppProtocol } from "@levity/ocpp";
import type { Response } from "../charge-point/command-effect.js";
import type { ChargingSession } from "../charge-point/meter-model.js";
import type { CallResult, ChargePointProfile } from "../charge-point/simulated-charge-point.js";
import type { StationState } from "../charge-point/station-state.js";
import type { SeededRandom } from "../random/seeded-random.js";
import type { SimProtocol } from "./sim-protocol.js";

/** Why a charge point boots (2.0.1 says so in its BootNotification; 1.6 does not). */
export type BootReason = "PowerUp" | "RemoteReset" | "Triggered";

/** How a transaction begins: who, how much current the car draws, and at whose request. */
export interface TransactionStart {
  readonly idTag: string;
  readonly targetA: number;
  /** 2.0.1: the id of the RequestStartTransaction that asked for it. */
  readonly remoteStartId?: number;
}

/** How a status is reported. */
export interface StatusOptions {
  /** 1.6's errorCode of the status (NoError unless told). */
  readonly errorCode?: string;
  /** Sent even when the connector's status on the wire has not changed (a report, a trigger). */
  readonly evenIfUnchanged?: boolean;
}

/** What a dialect uses of the charge point it speaks for. */
export interface DialectHost extends StationState {
  readonly profile: ChargePointProfile;
  readonly sessions: Map<number, ChargingSession>;
  readonly online: boolean;
  /** Calls waiting for the connection to come back. */
  readonly queuedMessages: number;
  /** The charge point's own randomness (meter readings, meter starts). */
  readonly rng: SeededRandom;
  call(action: string, payload: object): Promise<CallResult>;
  /** The simulation's clock, epoch milliseconds. */
  now(): number;
}

/**
 * What differs between the OCPP versions a charge point speaks: the shape of each message, which
 * messages are retried or kept while offline, its settings, and how it answers commands. The
 * life of a charge point, its timing, meter and connection are the same for every version.
 */
export interface ProtocolDialect {
  readonly protocol: SimProtocol;
  /** Subprotocol, error spelling, and the schemas of calls, answers and commands. */
  readonly ocpp: OcppProtocol;
  /** Calls sent again after a timeout, as the version asks of transaction messages. */
  readonly retried: ReadonlySet<string>;
  /** Calls kept while offline and sent in order once connected again. */
  readonly queuedWhileOffline: ReadonlySet<string>;
  /** Seconds between Heartbeats: what the central system said at boot or set since. */
  readonly heartbeatIntervalS: number;
  /** Seconds between meter readings of a transaction. */
  readonly meterIntervalS: number;
  boot(reason: BootReason): Promise<CallResult>;
  /** Reports a connector's status (1.6's vocabulary: Preparing, Charging, Finishing...). */
  status(
    connectorId: number,
    status: string,
    options: StatusOptions,
  ): Promise<CallResult | undefined>;
  /** Reports a fault of a connector, with the 1.6 error code that names it. */
  fault(connectorId: number, errorCode: string): Promise<void>;
  /** Reports that a connector's fault is gone and its status now. */
  clearFault(connectorId: number, status: string): Promise<void>;
  authorize(idTag: string): Promise<CallResult>;
  /** Starts a transaction; on success the connector has a charging session. */
  startTransaction(connectorId: number, start: TransactionStart): Promise<CallResult>;
  /** Sends a periodic meter reading of the connector's transaction (nothing without one). */
  transactionReading(connectorId: number): Promise<CallResult | undefined>;
  /** Ends the connector's transaction (nothing without one), `reason` in 1.6's words. */
  stopTransaction(connectorId: number, reason: string): Promise<CallResult | undefined>;
  /** Sends what a TriggerMessage asked for, beyond boot, heartbeat and status. */
  triggered(message: string, connectorIds: readonly number[]): Promise<void>;
  /** Answers a schema-valid command as firmware does. */
  answer(action: string, payload: unknown): Response;
  /** How a command is refused (`--reject-rate`), if it can be. */
  rejection(action: string): Response | undefined;
}
