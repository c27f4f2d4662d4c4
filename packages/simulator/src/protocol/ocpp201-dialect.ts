import { randomUUID } from "node:crypto";
import { OCPP201, type Ocpp201 } from "@levity/ocpp";
import type { Response } from "../charge-point/command-effect.js";
import {
  type ChargingSession,
  type MeterSample,
  sampleMeter,
} from "../charge-point/meter-model.js";
import {
  type Ocpp201ResponderState,
  rejection201,
  respond201,
} from "../charge-point/ocpp201-command-responder.js";
import {
  type DeviceVariable,
  HEARTBEAT_INTERVAL,
  initialVariables,
  TX_UPDATED_INTERVAL,
} from "../charge-point/ocpp201-variables.js";
import type { CallResult } from "../charge-point/simulated-charge-point.js";
import type {
  BootReason,
  DialectHost,
  ProtocolDialect,
  StatusOptions,
  TransactionStart,
} from "./protocol-dialect.js";

type Requests = Ocpp201.Ocpp201Requests;
type EnergyUnit = "Wh" | "kWh";

// 2.0.1 has one status for a connector in use, whatever the transaction is doing.
const CONNECTOR_STATUS: Readonly<Record<string, Ocpp201.ConnectorStatusEnumType>> = {
  Preparing: "Occupied",
  Charging: "Occupied",
  SuspendedEV: "Occupied",
  SuspendedEVSE: "Occupied",
  Finishing: "Occupied",
};

/** How a 1.6 stop reason ends a 2.0.1 transaction: what triggered the end, and why it stopped. */
const ENDING: Readonly<
  Record<string, readonly [Ocpp201.TriggerReasonEnumType, Ocpp201.ReasonEnumType]>
> = {
  Local: ["StopAuthorized", "Local"],
  Remote: ["RemoteStop", "Remote"],
  EVDisconnected: ["EVCommunicationLost", "EVDisconnected"],
  HardReset: ["ResetCommand", "ImmediateReset"],
  SoftReset: ["ResetCommand", "ImmediateReset"],
  Reboot: ["AbnormalCondition", "Reboot"],
  PowerLoss: ["AbnormalCondition", "PowerLoss"],
  EmergencyStop: ["AbnormalCondition", "EmergencyStop"],
  DeAuthorized: ["Deauthorized", "DeAuthorized"],
  UnlockCommand: ["UnlockCommand", "Other"],
};

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/** A meter sample as 2.0.1 writes it: numbers with a unit of measure, energy in `unit`. */
export function ocpp201SampledValues(
  sample: MeterSample,
  context: Ocpp201.ReadingContextEnumType,
  unit: EnergyUnit,
): [Ocpp201.SampledValueType, ...Ocpp201.SampledValueType[]] {
  return [
    energyValue(sample.energyWh, context, unit),
    {
      value: round(sample.powerW, 0),
      measurand: "Power.Active.Import",
      context,
      unitOfMeasure: { unit: "W" },
    },
    ...sample.currentsA.map(
      (current, i): Ocpp201.SampledValueType => ({
        value: round(current, 2),
        measurand: "Current.Import",
        phase: (["L1", "L2", "L3"] as const)[i] ?? "L1",
        context,
        unitOfMeasure: { unit: "A" },
      }),
    ),
  ];
}

function energyValue(
  energyWh: number,
  context: Ocpp201.ReadingContextEnumType,
  unit: EnergyUnit,
): Ocpp201.SampledValueType {
  return {
    value: unit === "kWh" ? round(energyWh / 1000, 4) : round(energyWh, 1),
    measurand: "Energy.Active.Import.Register",
    context,
    unitOfMeasure: { unit },
  };
}

/**
 * How an OCPP 2.0.1 charging station says things: EVSEs with one connector each, transactions it
 * numbers itself and reports in TransactionEvents (kept while offline), faults as NotifyEvents,
 * a device model of variables.
 */
export class Ocpp201Dialect implements ProtocolDialect {
  readonly protocol = "ocpp2.0.1";
  readonly ocpp = OCPP201;
  readonly retried: ReadonlySet<string> = new Set(["TransactionEvent"]);
  readonly queuedWhileOffline: ReadonlySet<string> = new Set(["TransactionEvent"]);
  readonly variables: Map<string, DeviceVariable>;
  readonly #host: DialectHost;
  readonly #state: Ocpp201ResponderState;
  /** The unit this station's meter counts energy in: some say kWh, most Wh. */
  readonly #energyUnit: EnergyUnit;
  readonly #seqNo = new WeakMap<ChargingSession, number>();
  /** The connector status each connector last reported, so an unchanged one is not sent again. */
  readonly #reported = new Map<number, string>();
  /** The NotifyEvent id of each connector's open fault, the cause of its clearing. */
  readonly #openFaults = new Map<number, number>();
  #lastEventId = 0;

  constructor(host: DialectHost, meterIntervalS: number) {
    this.#host = host;
    this.variables = initialVariables(300, meterIntervalS);
    this.#energyUnit = host.rng.chance(0.3) ? "kWh" : "Wh";
    const variables = this.variables;
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
      variables,
      get queuedMessages() {
        return host.queuedMessages;
      },
      now: () => host.now(),
    };
  }

  get heartbeatIntervalS(): number {
    return Number(this.variables.get(HEARTBEAT_INTERVAL)?.value ?? 300);
  }

  get meterIntervalS(): number {
    return Number(this.variables.get(TX_UPDATED_INTERVAL)?.value ?? 60);
  }

  async boot(reason: BootReason): Promise<CallResult> {
    const { id, vendor, model, firmware } = this.#host.profile;
    const outcome = await this.#send("BootNotification", {
      reason,
      chargingStation: {
        vendorName: vendor,
        model,
        // The schema allows 25 characters; a longer identity is left out rather than cut.
        ...(id.length <= 25 ? { serialNumber: id } : {}),
        firmwareVersion: firmware,
      },
    });
    const interval = this.variables.get(HEARTBEAT_INTERVAL);
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

  async status(
    connectorId: number,
    status: string,
    options: StatusOptions,
  ): Promise<CallResult | undefined> {
    // 1.6's connector 0 is the charge point itself; 2.0.1 reports only the connectors of EVSEs.
    if (connectorId < 1) return undefined;
    const connectorStatus = CONNECTOR_STATUS[status] ?? status;
    if (!options.evenIfUnchanged && this.#reported.get(connectorId) === connectorStatus)
      return undefined;
    const outcome = await this.#host.call("StatusNotification", {
      timestamp: this.#isoNow(),
      connectorStatus,
      evseId: connectorId,
      connectorId: 1,
    });
    if (outcome.kind === "result") this.#reported.set(connectorId, connectorStatus);
    return outcome;
  }

  async fault(connectorId: number, errorCode: string): Promise<void> {
    const eventId = this.#nextEventId();
    this.#openFaults.set(connectorId, eventId);
    await this.#problem(connectorId, eventId, true, { techCode: errorCode });
    await this.status(connectorId, "Faulted", { evenIfUnchanged: true });
  }

  async clearFault(connectorId: number, status: string): Promise<void> {
    const cause = this.#openFaults.get(connectorId);
    this.#openFaults.delete(connectorId);
    await this.#problem(connectorId, this.#nextEventId(), false, {
      cleared: true,
      ...(cause !== undefined ? { cause } : {}),
    });
    await this.status(connectorId, status, { evenIfUnchanged: true });
  }

  authorize(idTag: string): Promise<CallResult> {
    return this.#send("Authorize", { idToken: { idToken: idTag, type: "ISO14443" } });
  }

  startTransaction(connectorId: number, start: TransactionStart): Promise<CallResult> {
    const host = this.#host;
    const meterStart = Math.round(host.rng.between(0, 5_000_000));
    const session: ChargingSession = {
      transactionId: randomUUID(),
      targetA: start.targetA,
      energyWh: meterStart,
      lastSampleAt: host.now(),
    };
    // The station starts the transaction itself: the CSMS hears of it, now or once back online.
    host.sessions.set(connectorId, session);
    const timestamp = this.#isoNow();
    const remote = start.remoteStartId !== undefined;
    return this.#transactionEvent(session, {
      eventType: "Started",
      timestamp,
      triggerReason: remote ? "RemoteStart" : "Authorized",
      transactionInfo: {
        transactionId: String(session.transactionId),
        chargingState: "Charging",
        ...(remote ? { remoteStartId: start.remoteStartId } : {}),
      },
      evse: { id: connectorId, connectorId: 1 },
      idToken: { idToken: start.idTag, type: "ISO14443" },
      meterValue: [
        {
          timestamp,
          sampledValue: [energyValue(meterStart, "Transaction.Begin", this.#energyUnit)],
        },
      ],
    });
  }

  async transactionReading(connectorId: number): Promise<CallResult | undefined> {
    return this.#updated(connectorId, "MeterValuePeriodic", "Sample.Periodic");
  }

  async stopTransaction(connectorId: number, reason: string): Promise<CallResult | undefined> {
    const host = this.#host;
    const session = host.sessions.get(connectorId);
    if (!session) return undefined;
    host.sessions.delete(connectorId);
    const { energyWh } = sampleMeter(session, host.now(), host.rng);
    const [triggerReason, stoppedReason] = ENDING[reason] ?? ["AbnormalCondition", "Other"];
    const timestamp = this.#isoNow();
    return this.#transactionEvent(session, {
      eventType: "Ended",
      timestamp,
      triggerReason,
      transactionInfo: { transactionId: String(session.transactionId), stoppedReason },
      meterValue: [
        {
          timestamp,
          sampledValue: [energyValue(energyWh, "Transaction.End", this.#energyUnit)],
        },
      ],
    });
  }

  async triggered(message: string, connectorIds: readonly number[]): Promise<void> {
    const host = this.#host;
    switch (message) {
      case "TransactionEvent":
        for (const id of connectorIds) await this.#updated(id, "Trigger", "Trigger");
        return;
      case "MeterValues":
        for (const id of connectorIds) {
          const session = host.sessions.get(id);
          if (!session) continue;
          const sample = sampleMeter(session, host.now(), host.rng);
          await this.#send("MeterValues", {
            evseId: id,
            meterValue: [
              {
                timestamp: this.#isoNow(),
                sampledValue: ocpp201SampledValues(sample, "Trigger", this.#energyUnit),
              },
            ],
          });
        }
        return;
      case "FirmwareStatusNotification":
      case "LogStatusNotification":
        await host.call(message, { status: "Idle" });
        return;
    }
  }

  answer(action: string, payload: unknown): Response {
    return respond201(this.#state, action, payload);
  }

  rejection(action: string): Response | undefined {
    return rejection201(action);
  }

  /** An Updated TransactionEvent with a meter reading of the connector's transaction. */
  async #updated(
    connectorId: number,
    triggerReason: Ocpp201.TriggerReasonEnumType,
    context: Ocpp201.ReadingContextEnumType,
  ): Promise<CallResult | undefined> {
    const host = this.#host;
    const session = host.sessions.get(connectorId);
    if (!session) return undefined;
    const sample = sampleMeter(session, host.now(), host.rng);
    const timestamp = this.#isoNow();
    return this.#transactionEvent(session, {
      eventType: "Updated",
      timestamp,
      triggerReason,
      transactionInfo: { transactionId: String(session.transactionId), chargingState: "Charging" },
      meterValue: [
        { timestamp, sampledValue: ocpp201SampledValues(sample, context, this.#energyUnit) },
      ],
    });
  }

  /**
   * Sends an event of a transaction with its next sequence number; one that happens while
   * offline says so, and is kept (with its timestamp and number) until the connection is back.
   */
  #transactionEvent(
    session: ChargingSession,
    event: Omit<Requests["TransactionEvent"], "seqNo" | "offline">,
  ): Promise<CallResult> {
    const seqNo = this.#seqNo.get(session) ?? 0;
    this.#seqNo.set(session, seqNo + 1);
    return this.#send("TransactionEvent", {
      ...event,
      seqNo,
      ...(this.#host.online ? {} : { offline: true }),
    });
  }

  /** A NotifyEvent about the Problem variable of a connector: raised, or cleared. */
  #problem(
    connectorId: number,
    eventId: number,
    raised: boolean,
    details: Pick<Ocpp201.EventDataType, "techCode" | "cleared" | "cause">,
  ): Promise<CallResult> {
    const timestamp = this.#isoNow();
    return this.#send("NotifyEvent", {
      generatedAt: timestamp,
      seqNo: 0,
      tbc: false,
      eventData: [
        {
          eventId,
          timestamp,
          trigger: "Delta",
          actualValue: String(raised),
          ...details,
          eventNotificationType: "HardWiredNotification",
          component: { name: "Connector", evse: { id: connectorId, connectorId: 1 } },
          variable: { name: "Problem" },
        },
      ],
    });
  }

  #nextEventId(): number {
    this.#lastEventId += 1;
    return this.#lastEventId;
  }

  #send<A extends keyof Requests>(action: A, payload: Requests[A]): Promise<CallResult> {
    return this.#host.call(action, payload);
  }

  #isoNow(): string {
    return new Date(this.#host.now()).toISOString();
  }
}
