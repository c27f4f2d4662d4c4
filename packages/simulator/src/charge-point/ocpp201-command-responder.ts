import type { Ocpp201 } from "@levity/ocpp";
import { type CommandEffect, type Response, result, status } from "./command-effect.js";
import { acceptsValue, type DeviceVariable, variableKey } from "./ocpp201-variables.js";
import {
  changeAvailability,
  freeConnector,
  isBusy,
  isFree,
  type StationState,
} from "./station-state.js";

type Commands = Ocpp201.Ocpp201CommandRequests;
type Answers = Ocpp201.Ocpp201CommandResponses;
type Action = keyof Commands;

/** The state a 2.0.1 command reads and changes: the station's, its device model and its queue. */
export interface Ocpp201ResponderState extends StationState {
  readonly variables: Map<string, DeviceVariable>;
  /** Transaction messages waiting for the connection to come back. */
  readonly queuedMessages: number;
  /** The simulation's clock, epoch milliseconds (for the reports a command asks for). */
  now(): number;
}

/** A typed answer to one action: its payload, and what to do once it is sent. */
interface Answer<A extends Action> {
  readonly payload: Answers[A];
  readonly effects?: readonly CommandEffect[];
}

type Handler<A extends Action> = (state: Ocpp201ResponderState, request: Commands[A]) => Answer<A>;

const TRIGGERABLE = new Set<Ocpp201.MessageTriggerEnumType>([
  "BootNotification",
  "FirmwareStatusNotification",
  "Heartbeat",
  "LogStatusNotification",
  "MeterValues",
  "StatusNotification",
  "TransactionEvent",
]);

const evseExists = (state: StationState, evseId: number) =>
  evseId >= 1 && evseId <= state.connectors;

function variableResults<R>(
  state: Ocpp201ResponderState,
  component: Ocpp201.ComponentType,
  variable: Ocpp201.VariableType,
  found: (entry: DeviceVariable) => R,
  unknown: (status: "UnknownComponent" | "UnknownVariable") => R,
): R {
  const entry = state.variables.get(variableKey(component.name, variable.name));
  if (entry) return found(entry);
  const knownComponent = [...state.variables.keys()].some((key) =>
    key.startsWith(`${component.name}.`),
  );
  return unknown(knownComponent ? "UnknownVariable" : "UnknownComponent");
}

/** The device model as NotifyReport's reportData. */
function reportData(state: Ocpp201ResponderState): Ocpp201.ReportDataType[] {
  return [...state.variables].map(([key, entry]) => {
    const [component = "", variable = ""] = key.split(".");
    return {
      component: { name: component },
      variable: { name: variable },
      variableAttribute: [{ type: "Actual", value: entry.value, mutability: entry.mutability }],
      variableCharacteristics: { dataType: entry.dataType, supportsMonitoring: false },
    };
  });
}

// Every 2.0.1 command, answered as firmware that has a connector per EVSE and no certificates,
// displays, monitors, firmware updates or log uploads does: the mapped type keeps it complete.
const HANDLERS: { readonly [A in Action]: Handler<A> } = {
  Reset: (state, request) => {
    // Resetting a single EVSE is not simulated.
    if (request.evseId !== undefined) return { payload: { status: "Rejected" } };
    const waits = request.type === "OnIdle" && state.transactions.size > 0;
    return {
      payload: { status: waits ? "Scheduled" : "Accepted" },
      effects: [{ kind: "reset", hard: false, whenIdle: waits }],
    };
  },
  RequestStartTransaction: (state, request) => {
    const connectorId = request.evseId ?? freeConnector(state);
    if (connectorId === undefined || !isFree(state, connectorId))
      return { payload: { status: "Rejected" } };
    return {
      payload: { status: "Accepted" },
      effects: [
        {
          kind: "remote-start",
          connectorId,
          idTag: request.idToken.idToken,
          remoteStartId: request.remoteStartId,
        },
      ],
    };
  },
  RequestStopTransaction: (state, request) => {
    const connectorId = state.transactions.get(request.transactionId);
    if (connectorId === undefined) return { payload: { status: "Rejected" } };
    return { payload: { status: "Accepted" }, effects: [{ kind: "remote-stop", connectorId }] };
  },
  TriggerMessage: (state, request) => {
    if (!TRIGGERABLE.has(request.requestedMessage))
      return { payload: { status: "NotImplemented" } };
    const evseId = request.evse?.id;
    if (evseId !== undefined && evseId !== 0 && !evseExists(state, evseId))
      return { payload: { status: "Rejected" } };
    return {
      payload: { status: "Accepted" },
      effects: [{ kind: "trigger", message: request.requestedMessage, connectorId: evseId }],
    };
  },
  GetVariables: (state, request) => {
    const [first, ...rest] = request.getVariableData.map(
      ({ component, variable, attributeType }): Ocpp201.GetVariableResultType => {
        const echo = { component, variable, ...(attributeType ? { attributeType } : {}) };
        if (attributeType && attributeType !== "Actual")
          return { ...echo, attributeStatus: "NotSupportedAttributeType" };
        return variableResults<Ocpp201.GetVariableResultType>(
          state,
          component,
          variable,
          (entry) => ({ ...echo, attributeStatus: "Accepted", attributeValue: entry.value }),
          (attributeStatus) => ({ ...echo, attributeStatus }),
        );
      },
    );
    return { payload: { getVariableResult: [first as Ocpp201.GetVariableResultType, ...rest] } };
  },
  SetVariables: (state, request) => {
    const [first, ...rest] = request.setVariableData.map(
      ({ component, variable, attributeType, attributeValue }): Ocpp201.SetVariableResultType => {
        const echo = { component, variable, ...(attributeType ? { attributeType } : {}) };
        if (attributeType && attributeType !== "Actual")
          return { ...echo, attributeStatus: "NotSupportedAttributeType" };
        return variableResults<Ocpp201.SetVariableResultType>(
          state,
          component,
          variable,
          (entry) => {
            if (entry.mutability === "ReadOnly" || !acceptsValue(entry, attributeValue))
              return { ...echo, attributeStatus: "Rejected" };
            entry.value = attributeValue;
            return { ...echo, attributeStatus: "Accepted" };
          },
          (attributeStatus) => ({ ...echo, attributeStatus }),
        );
      },
    );
    return { payload: { setVariableResult: [first as Ocpp201.SetVariableResultType, ...rest] } };
  },
  GetBaseReport: (state, request) => {
    const report: Ocpp201.NotifyReportRequest = {
      requestId: request.requestId,
      generatedAt: new Date(state.now()).toISOString(),
      seqNo: 0,
      tbc: false,
    };
    const data = reportData(state);
    const [first, ...rest] = data;
    return {
      payload: { status: "Accepted" },
      effects: [
        {
          kind: "send",
          action: "NotifyReport",
          payload: { ...report, ...(first ? { reportData: [first, ...rest] } : {}) },
        },
      ],
    };
  },
  ChangeAvailability: (state, request) => {
    const evseId = request.evse?.id ?? 0;
    if (evseId !== 0 && !evseExists(state, evseId)) return { payload: { status: "Rejected" } };
    const changed = changeAvailability(state, evseId, request.operationalStatus === "Inoperative");
    return { payload: { status: changed.status }, effects: changed.effects };
  },
  UnlockConnector: (state, request) => {
    if (!evseExists(state, request.evseId) || request.connectorId !== 1)
      return { payload: { status: "UnknownConnector" } };
    const charging = [...state.transactions.values()].includes(request.evseId);
    return { payload: { status: charging ? "OngoingAuthorizedTransaction" : "Unlocked" } };
  },
  ReserveNow: (state, request) => {
    const connectorId = request.evseId ?? freeConnector(state);
    if (connectorId === undefined || !evseExists(state, connectorId))
      return { payload: { status: "Rejected" } };
    if (state.inoperative.has(connectorId)) return { payload: { status: "Unavailable" } };
    if (isBusy(state, connectorId)) return { payload: { status: "Occupied" } };
    state.reservations.set(request.id, { connectorId, idTag: request.idToken.idToken });
    return {
      payload: { status: "Accepted" },
      effects: [{ kind: "status", connectorId, status: "Reserved" }],
    };
  },
  CancelReservation: (state, request) => {
    const reservation = state.reservations.get(request.reservationId);
    if (!reservation) return { payload: { status: "Rejected" } };
    state.reservations.delete(request.reservationId);
    return {
      payload: { status: "Accepted" },
      effects: [{ kind: "status", connectorId: reservation.connectorId, status: "Available" }],
    };
  },
  GetTransactionStatus: (state, request) => ({
    payload: {
      messagesInQueue: state.queuedMessages > 0,
      ...(request.transactionId !== undefined
        ? { ongoingIndicator: state.transactions.has(request.transactionId) }
        : {}),
    },
  }),
  ClearCache: () => ({ payload: { status: "Accepted" } }),
  DataTransfer: () => ({ payload: { status: "UnknownVendorId" } }),
  GetLocalListVersion: (state) => ({ payload: { versionNumber: state.localListVersion } }),
  SendLocalList: (state, request) => {
    state.localListVersion = request.versionNumber;
    return { payload: { status: "Accepted" } };
  },
  SetChargingProfile: () => ({ payload: { status: "Accepted" } }),
  ClearChargingProfile: () => ({ payload: { status: "Accepted" } }),
  GetChargingProfiles: () => ({ payload: { status: "NoProfiles" } }),
  GetCompositeSchedule: () => ({ payload: { status: "Rejected" } }),
  CostUpdated: () => ({ payload: {} }),
  CertificateSigned: () => ({ payload: { status: "Rejected" } }),
  InstallCertificate: () => ({ payload: { status: "Rejected" } }),
  DeleteCertificate: () => ({ payload: { status: "NotFound" } }),
  GetInstalledCertificateIds: () => ({ payload: { status: "NotFound" } }),
  CustomerInformation: () => ({ payload: { status: "Rejected" } }),
  ClearDisplayMessage: () => ({ payload: { status: "Unknown" } }),
  GetDisplayMessages: () => ({ payload: { status: "Unknown" } }),
  SetDisplayMessage: () => ({ payload: { status: "Rejected" } }),
  GetLog: () => ({ payload: { status: "Rejected" } }),
  GetReport: () => ({ payload: { status: "NotSupported" } }),
  GetMonitoringReport: () => ({ payload: { status: "NotSupported" } }),
  SetMonitoringBase: () => ({ payload: { status: "NotSupported" } }),
  SetMonitoringLevel: () => ({ payload: { status: "Rejected" } }),
  SetVariableMonitoring: (_state, request) => {
    const [first, ...rest] = request.setMonitoringData.map(
      ({ type, severity, component, variable }): Ocpp201.SetMonitoringResultType => ({
        status: "Rejected",
        type,
        severity,
        component,
        variable,
      }),
    );
    return {
      payload: { setMonitoringResult: [first as Ocpp201.SetMonitoringResultType, ...rest] },
    };
  },
  ClearVariableMonitoring: (_state, request) => {
    const [first, ...rest] = request.id.map(
      (id): Ocpp201.ClearMonitoringResultType => ({ id, status: "NotFound" }),
    );
    return {
      payload: { clearMonitoringResult: [first as Ocpp201.ClearMonitoringResultType, ...rest] },
    };
  },
  SetNetworkProfile: () => ({ payload: { status: "Rejected" } }),
  UpdateFirmware: () => ({ payload: { status: "Rejected" } }),
  PublishFirmware: () => ({ payload: { status: "Rejected" } }),
  UnpublishFirmware: () => ({ payload: { status: "NoFirmware" } }),
};

// The status each action answers when the charging station says no (for --reject-rate).
const REJECTION: Readonly<Partial<Record<Action, string>>> = {
  CancelReservation: "Rejected",
  ChangeAvailability: "Rejected",
  ClearCache: "Rejected",
  DataTransfer: "Rejected",
  GetBaseReport: "Rejected",
  GetCompositeSchedule: "Rejected",
  RequestStartTransaction: "Rejected",
  RequestStopTransaction: "Rejected",
  ReserveNow: "Rejected",
  Reset: "Rejected",
  SetChargingProfile: "Rejected",
  TriggerMessage: "Rejected",
  UnlockConnector: "UnlockFailed",
};

const isAction = (action: string): action is Action => Object.hasOwn(HANDLERS, action);

/**
 * How a simulated 2.0.1 charging station answers each command of the CSMS, and what it does
 * after: pure but for the state it is given, so every answer can be checked against its schema.
 * The request is taken to be schema-valid (the charging station checks it first).
 */
export function respond201(
  state: Ocpp201ResponderState,
  action: string,
  payload: unknown,
): Response {
  if (!isAction(action)) {
    return {
      answer: {
        kind: "error",
        code: "NotImplemented",
        description: `${action} is not a 2.0.1 command this charging station knows`,
      },
      effects: [],
    };
  }
  // A handler of one action is called with that action's request: the table keeps them paired.
  const handler = HANDLERS[action] as (
    state: Ocpp201ResponderState,
    request: unknown,
  ) => Answer<Action>;
  const answer = handler(state, payload);
  return result(answer.payload, answer.effects);
}

/** How an action is answered when the charging station refuses it (`--reject-rate`), if it can. */
export function rejection201(action: string): Response | undefined {
  const refused = isAction(action) ? REJECTION[action] : undefined;
  return refused ? status(refused) : undefined;
}
