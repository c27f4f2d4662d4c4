import type { Ocpp201, Ocpp201CpAction } from "@levity/ocpp";
import {
  type CallContext,
  type CallOutcome,
  type EventDraft,
  failure,
  result,
} from "../call-outcome.js";
import { epochMs, isoTime } from "../timestamps.js";
import { energyRegisterWh, normalizeMeterValues201 } from "./sampled-values.js";

type Requests = Ocpp201.Ocpp201Requests;
type Responses = Ocpp201.Ocpp201Responses;
type Handler<A extends Ocpp201CpAction> = (
  request: Requests[A],
  context: CallContext,
) => CallOutcome;

const MAX_ID = 65535;

function answer<A extends Ocpp201CpAction>(
  _action: A,
  payload: Responses[A],
  events: readonly EventDraft[] = [],
  dropped = 0,
): CallOutcome {
  return result(payload, events, dropped);
}

/**
 * Why an EVSE (0 = the charging station) or a connector of it is outside the contract's range,
 * if it is. Payloads then name them field by field: a spread object costs the hot path measurably.
 */
function badPlace(
  evseId: number,
  connectorId: number | undefined,
  path: string,
): CallOutcome | undefined {
  if (evseId < 0 || evseId > MAX_ID)
    return failure("property", `${path}evseId ${evseId} is not a valid EVSE`);
  if (connectorId !== undefined && (connectorId < 1 || connectorId > MAX_ID))
    return failure("property", `${path}connectorId ${connectorId} is not a valid connector`);
  return undefined;
}

// The schemas set no minimum length, but an empty vendor or model names nothing and the events'
// contract (which requires them) would be refused by every reader.
function empty(field: string, value: string): CallOutcome | undefined {
  return value === "" ? failure("property", `/${field} must not be empty`) : undefined;
}

/** 2.0.1's idToken as the events' idTag: absent for `NoAuthorization`, which carries an empty one. */
function idTagOf(idToken: Ocpp201.IdTokenType | undefined) {
  return idToken && idToken.idToken !== ""
    ? { idTag: idToken.idToken, idTokenType: idToken.type }
    : {};
}

// 2.0.1's standardized component variable that says a component has a problem (a fault).
const PROBLEM_VARIABLE = "Problem";

/** A raised or cleared fault from each NotifyEvent report of a component's Problem variable. */
function faultsOf(eventData: readonly Ocpp201.EventDataType[]): EventDraft[] | CallOutcome {
  const faults: EventDraft[] = [];
  for (const [index, data] of eventData.entries()) {
    if (data.variable.name !== PROBLEM_VARIABLE) continue;
    const evseId = data.component.evse?.id ?? 0;
    const connectorId = data.component.evse?.connectorId;
    const bad = badPlace(evseId, connectorId, `/eventData/${index}/component/evse/`);
    if (bad) return bad;
    faults.push({
      type: "cp.fault",
      payload: {
        evseId,
        connectorId,
        code: data.techCode || data.component.name || PROBLEM_VARIABLE,
        active: data.cleared !== true && data.actualValue.toLowerCase() === "true",
        info: data.techInfo?.slice(0, 255),
        eventId: data.eventId,
        timestamp: epochMs(data.timestamp),
      },
    });
  }
  return faults;
}

function transactionEvent(
  request: Requests["TransactionEvent"],
  context: CallContext,
): CallOutcome {
  const evse = request.evse;
  const bad = evse && badPlace(evse.id, evse.connectorId, "/evse/");
  if (bad) return bad;
  // The schemas bound neither: an empty id names no transaction, a negative seqNo no place in it.
  if (request.transactionInfo.transactionId === "")
    return failure("property", "/transactionInfo/transactionId must not be empty");
  if (request.seqNo < 0) return failure("property", "/seqNo must not be negative");
  const { samples, dropped } = normalizeMeterValues201(request.meterValue ?? []);
  const info = request.transactionInfo;
  const common = {
    evseId: evse?.id,
    connectorId: evse?.connectorId,
    transactionId: info.transactionId,
    timestamp: epochMs(request.timestamp),
    ...idTagOf(request.idToken),
    seqNo: request.seqNo,
    offline: request.offline,
    triggerReason: request.triggerReason,
  };
  const measured = samples.length > 0 ? samples : undefined;
  let event: EventDraft;
  if (request.eventType === "Started" && evse) {
    event = {
      type: "tx.started",
      payload: {
        ...common,
        evseId: evse.id,
        meterStartWh: energyRegisterWh(samples),
        reservationId: request.reservationId,
        remoteStartId: info.remoteStartId,
        samples: measured,
      },
    };
  } else if (request.eventType === "Ended") {
    event = {
      type: "tx.stopped",
      payload: {
        ...common,
        meterStopWh: energyRegisterWh(samples),
        reason: info.stoppedReason,
        samples: measured,
      },
    };
  } else {
    // An update, or a start that names no EVSE: kept as history, it opens no transaction.
    event = {
      type: "tx.updated",
      payload: {
        ...common,
        chargingState: info.chargingState,
        remoteStartId: info.remoteStartId,
        samples: measured,
      },
    };
  }
  const response: Responses["TransactionEvent"] = request.idToken
    ? {
        idTokenInfo: {
          status: context.idTagAccepted(request.idToken.idToken) ? "Accepted" : "Invalid",
        },
      }
    : {};
  return answer("TransactionEvent", response, [event], dropped);
}

/** The answer and the events of every call a 2.0.1 charging station makes: pure, no I/O, no clock. */
export const ocpp201Handlers: { readonly [A in Ocpp201CpAction]: Handler<A> } = {
  Authorize: (request, context) => {
    const status = context.idTagAccepted(request.idToken.idToken) ? "Accepted" : "Invalid";
    return answer("Authorize", { idTokenInfo: { status } }, [
      { type: "cp.authorize", payload: { idTag: request.idToken.idToken, status } },
    ]);
  },

  BootNotification: (request, context) => {
    const station = request.chargingStation;
    return (
      empty("chargingStation/vendorName", station.vendorName) ??
      empty("chargingStation/model", station.model) ??
      answer(
        "BootNotification",
        {
          status: "Accepted",
          currentTime: isoTime(context.receivedAt),
          interval: context.heartbeatIntervalS,
        },
        [
          {
            type: "cp.boot",
            payload: {
              vendor: station.vendorName,
              model: station.model,
              serialNumber: station.serialNumber,
              firmwareVersion: station.firmwareVersion,
              iccid: station.modem?.iccid,
              imsi: station.modem?.imsi,
              reason: request.reason,
            },
          },
        ],
      )
    );
  },

  ClearedChargingLimit: () => answer("ClearedChargingLimit", {}),

  DataTransfer: (request) =>
    empty("vendorId", request.vendorId) ??
    answer("DataTransfer", { status: "UnknownVendorId" }, [
      {
        type: "cp.data-transfer",
        payload: {
          vendorId: request.vendorId,
          messageId: request.messageId,
          status: "UnknownVendorId",
        },
      },
    ]),

  FirmwareStatusNotification: (request) =>
    answer("FirmwareStatusNotification", {}, [
      {
        type: "cp.firmware-status",
        payload: { status: request.status, requestId: request.requestId },
      },
    ]),

  // Certificates are not managed yet: a failure is the answer the schema allows.
  Get15118EVCertificate: () =>
    answer("Get15118EVCertificate", { status: "Failed", exiResponse: "" }),

  GetCertificateStatus: () => answer("GetCertificateStatus", { status: "Failed" }),

  Heartbeat: (_request, context) =>
    answer("Heartbeat", { currentTime: isoTime(context.receivedAt) }, [
      { type: "cp.heartbeat", payload: {} },
    ]),

  LogStatusNotification: (request) =>
    answer("LogStatusNotification", {}, [
      {
        type: "cp.diagnostics-status",
        payload: { status: request.status, requestId: request.requestId },
      },
    ]),

  MeterValues: (request) => {
    const bad = badPlace(request.evseId, undefined, "/");
    if (bad) return bad;
    const { samples, dropped } = normalizeMeterValues201(request.meterValue);
    return answer(
      "MeterValues",
      {},
      [{ type: "meter.values", payload: { evseId: request.evseId, samples } }],
      dropped,
    );
  },

  NotifyChargingLimit: () => answer("NotifyChargingLimit", {}),

  NotifyCustomerInformation: () => answer("NotifyCustomerInformation", {}),

  NotifyDisplayMessages: () => answer("NotifyDisplayMessages", {}),

  // Levity does no smart charging: it neither plans for the EV's needs nor limits its schedule.
  NotifyEVChargingNeeds: () => answer("NotifyEVChargingNeeds", { status: "Rejected" }),

  NotifyEVChargingSchedule: () => answer("NotifyEVChargingSchedule", { status: "Accepted" }),

  NotifyEvent: (request) => {
    const faults = faultsOf(request.eventData);
    if (!Array.isArray(faults)) return faults;
    return answer("NotifyEvent", {}, faults);
  },

  NotifyMonitoringReport: () => answer("NotifyMonitoringReport", {}),

  NotifyReport: () => answer("NotifyReport", {}),

  // About firmware a local controller publishes to others, not the station's own.
  PublishFirmwareStatusNotification: () => answer("PublishFirmwareStatusNotification", {}),

  ReportChargingProfiles: () => answer("ReportChargingProfiles", {}),

  ReservationStatusUpdate: () => answer("ReservationStatusUpdate", {}),

  SecurityEventNotification: (request) =>
    empty("type", request.type) ??
    answer("SecurityEventNotification", {}, [
      {
        type: "cp.security-event",
        payload: {
          type: request.type,
          timestamp: epochMs(request.timestamp),
          techInfo: request.techInfo,
        },
      },
    ]),

  SignCertificate: (request) =>
    answer("SignCertificate", { status: "Rejected" }, [
      {
        type: "cp.certificate-request",
        payload: { certificateType: request.certificateType, status: "Rejected" },
      },
    ]),

  // The status, and a fault when the connector reports itself Faulted (2.0.1 names no cause here).
  StatusNotification: (request) => {
    const { evseId, connectorId } = request;
    const bad = badPlace(evseId, connectorId, "/");
    if (bad) return bad;
    const timestamp = epochMs(request.timestamp);
    const status: EventDraft = {
      type: "cp.status",
      payload: { evseId, connectorId, status: request.connectorStatus, timestamp },
    };
    if (request.connectorStatus !== "Faulted") return answer("StatusNotification", {}, [status]);
    return answer("StatusNotification", {}, [
      status,
      {
        type: "cp.fault",
        payload: { evseId, connectorId, code: "Faulted", active: true, timestamp },
      },
    ]);
  },

  TransactionEvent: transactionEvent,
};
