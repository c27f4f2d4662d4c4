import { OCPP16 } from "@levity/ocpp";
import type { Response } from "../charge-point/command-effect.js";
import {
  type ConfigurationValue,
  initialConfiguration,
  type ResponderState,
  rejection,
  respond,
} from "../charge-point/command-responder.js";
import { type MeterSample, sampleMeter } from "../charge-point/meter-model.js";
import type { CallResult } from "../charge-point/simulated-charge-point.js";
import type {
  DialectHost,
  ProtocolDialect,
  StatusOptions,
  TransactionStart,
} from "./protocol-dialect.js";

/** One OCPP 1.6 sampled value. */
export interface SampledValue16 {
  readonly value: string;
  readonly measurand: string;
  readonly unit: string;
  readonly phase?: string;
  readonly context: string;
}

/** A meter sample as 1.6 writes it: values as decimal strings, with their unit. */
export function ocpp16SampledValues(sample: MeterSample): SampledValue16[] {
  const context = "Sample.Periodic";
  return [
    ...sample.currentsA.map((current, i) => ({
      value: current.toFixed(2),
      measurand: "Current.Import",
      unit: "A",
      phase: `L${i + 1}`,
      context,
    })),
    { value: sample.powerW.toFixed(0), measurand: "Power.Active.Import", unit: "W", context },
    {
      value: sample.energyWh.toFixed(1),
      measurand: "Energy.Active.Import.Register",
      unit: "Wh",
      context,
    },
  ];
}

// 1.6 charge points retry these until the central system takes them (OCPP 1.6, 4.10).
const RETRIED = new Set(["StartTransaction", "StopTransaction", "MeterValues"]);

/** How an OCPP 1.6J charge point says things: connectors, errorCodes, server-given transaction ids. */
export class Ocpp16Dialect implements ProtocolDialect {
  readonly protocol = "ocpp1.6";
  readonly ocpp = OCPP16;
  readonly retried: ReadonlySet<string> = RETRIED;
  readonly queuedWhileOffline: ReadonlySet<string> = new Set();
  readonly configuration: Map<string, ConfigurationValue>;
  readonly #host: DialectHost;
  readonly #state: ResponderState;

  constructor(host: DialectHost, meterIntervalS: number) {
    this.#host = host;
    this.configuration = initialConfiguration(host.profile.connectors, 300, meterIntervalS);
    const configuration = this.configuration;
    // The responder reads the charge point's live state, and keeps its local list version there.
    this.#state = {
      get connectors() {
        return host.connectors;
      },
      get transactions() {
        return host.transactions;
      },
      inoperative: host.inoperative,
      reservations: host.reservations,
      get localListVersion() {
        return host.localListVersion;
      },
      set localListVersion(version: number) {
        host.localListVersion = version;
      },
      configuration,
    };
  }

  get heartbeatIntervalS(): number {
    return Number(this.configuration.get("HeartbeatInterval")?.value ?? 300);
  }

  get meterIntervalS(): number {
    return Number(this.configuration.get("MeterValueSampleInterval")?.value ?? 60);
  }

  async boot(): Promise<CallResult> {
    const { vendor, model, firmware } = this.#host.profile;
    const outcome = await this.#host.call("BootNotification", {
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

  status(connectorId: number, status: string, options: StatusOptions): Promise<CallResult> {
    return this.#host.call("StatusNotification", {
      connectorId,
      errorCode: options.errorCode ?? "NoError",
      status,
      timestamp: this.#isoNow(),
    });
  }

  async fault(connectorId: number, errorCode: string): Promise<void> {
    await this.status(connectorId, "Faulted", { errorCode });
  }

  async clearFault(connectorId: number, status: string): Promise<void> {
    await this.status(connectorId, status, {});
  }

  authorize(idTag: string): Promise<CallResult> {
    return this.#host.call("Authorize", { idTag });
  }

  async startTransaction(connectorId: number, start: TransactionStart): Promise<CallResult> {
    const host = this.#host;
    const meterStart = Math.round(host.rng.between(0, 5_000_000));
    const outcome = await host.call("StartTransaction", {
      connectorId,
      idTag: start.idTag,
      meterStart,
      timestamp: this.#isoNow(),
    });
    if (outcome.kind === "result" && typeof outcome.payload.transactionId === "number") {
      host.sessions.set(connectorId, {
        transactionId: outcome.payload.transactionId,
        targetA: start.targetA,
        energyWh: meterStart,
        lastSampleAt: host.now(),
      });
    }
    return outcome;
  }

  async transactionReading(connectorId: number): Promise<CallResult | undefined> {
    const host = this.#host;
    const session = host.sessions.get(connectorId);
    if (!session) return undefined;
    const sampledValue = ocpp16SampledValues(sampleMeter(session, host.now(), host.rng));
    return host.call("MeterValues", {
      connectorId,
      transactionId: session.transactionId,
      meterValue: [{ timestamp: this.#isoNow(), sampledValue }],
    });
  }

  async stopTransaction(connectorId: number, reason: string): Promise<CallResult | undefined> {
    const session = this.#host.sessions.get(connectorId);
    if (!session) return undefined;
    this.#host.sessions.delete(connectorId);
    return this.#host.call("StopTransaction", {
      transactionId: session.transactionId,
      meterStop: Math.round(session.energyWh),
      timestamp: this.#isoNow(),
      reason,
    });
  }

  async triggered(message: string, connectorIds: readonly number[]): Promise<void> {
    switch (message) {
      case "MeterValues":
        for (const id of connectorIds) await this.transactionReading(id);
        return;
      case "DiagnosticsStatusNotification":
      case "FirmwareStatusNotification":
        await this.#host.call(message, { status: "Idle" });
        return;
    }
  }

  answer(action: string, payload: unknown): Response {
    return respond(this.#state, action, payload);
  }

  rejection(action: string): Response | undefined {
    return rejection(action);
  }

  #isoNow(): string {
    return new Date(this.#host.now()).toISOString();
  }
}
