import type { Ocpp16CpAction, Ocpp16Requests, Ocpp16Responses } from "@levity/ocpp";
import {
  type CallContext,
  type CallOutcome,
  type EventDraft,
  failure,
  result,
} from "../call-outcome.js";
import { epochMs, isoTime } from "../timestamps.js";
import { normalizeMeterValues } from "./sampled-values.js";

type Handler<A extends Ocpp16CpAction> = (
  request: Ocpp16Requests[A],
  context: CallContext,
) => CallOutcome;

const MAX_CONNECTOR_ID = 65535;

function answer<A extends Ocpp16CpAction>(
  _action: A,
  payload: Ocpp16Responses[A],
  events: Parameters<typeof result>[1],
  dropped = 0,
): CallOutcome {
  return result(payload, events, dropped);
}

/**
 * The connector of 1.6's connector n, EVSE n (`ocpp16Location`'s rule, written out field by field:
 * a spread object costs the hot MeterValues path measurably).
 */
function connectorOf(connectorId: number): 1 | undefined {
  return connectorId > 0 ? 1 : undefined;
}

// The schemas allow any integer; a connector id must also be a real connector number.
function badConnector(connectorId: number, allowZero: boolean): CallOutcome | undefined {
  if (connectorId < (allowZero ? 0 : 1) || connectorId > MAX_CONNECTOR_ID) {
    return failure("property", `/connectorId ${connectorId} is not a valid connector`);
  }
  return undefined;
}

// 1.6 sets no minimum length, but an empty vendor, model or type names nothing, and the events
// (whose contract requires these) would be refused by every reader.
function empty(field: string, value: string): CallOutcome | undefined {
  return value === "" ? failure("property", `/${field} must not be empty`) : undefined;
}

/** The answer and the events of every call a 1.6J charge point makes: pure, no I/O, no clock. */
export const ocpp16Handlers: { readonly [A in Ocpp16CpAction]: Handler<A> } = {
  Authorize: (request, context) => {
    const status = context.idTagAccepted(request.idTag) ? "Accepted" : "Invalid";
    return answer("Authorize", { idTagInfo: { status } }, [
      { type: "cp.authorize", payload: { idTag: request.idTag, status } },
    ]);
  },

  BootNotification: (request, context) =>
    empty("chargePointVendor", request.chargePointVendor) ??
    empty("chargePointModel", request.chargePointModel) ??
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
            vendor: request.chargePointVendor,
            model: request.chargePointModel,
            serialNumber: request.chargePointSerialNumber,
            chargeBoxSerialNumber: request.chargeBoxSerialNumber,
            firmwareVersion: request.firmwareVersion,
            iccid: request.iccid,
            imsi: request.imsi,
            meterType: request.meterType,
            meterSerialNumber: request.meterSerialNumber,
          },
        },
      ],
    ),

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

  DiagnosticsStatusNotification: (request) =>
    answer("DiagnosticsStatusNotification", {}, [
      { type: "cp.diagnostics-status", payload: { status: request.status } },
    ]),

  FirmwareStatusNotification: (request) =>
    answer("FirmwareStatusNotification", {}, [
      { type: "cp.firmware-status", payload: { status: request.status } },
    ]),

  Heartbeat: (_request, context) =>
    answer("Heartbeat", { currentTime: isoTime(context.receivedAt) }, [
      { type: "cp.heartbeat", payload: {} },
    ]),

  MeterValues: (request) => {
    const invalid = badConnector(request.connectorId, true);
    if (invalid) return invalid;
    const { samples, dropped } = normalizeMeterValues(request.meterValue);
    return answer(
      "MeterValues",
      {},
      [
        {
          type: "meter.values",
          payload: {
            evseId: request.connectorId,
            connectorId: connectorOf(request.connectorId),
            transactionId:
              request.transactionId === undefined ? undefined : String(request.transactionId),
            samples,
          },
        },
      ],
      dropped,
    );
  },

  StartTransaction: (request, context) => {
    const invalid = badConnector(request.connectorId, false);
    if (invalid) return invalid;
    if (context.transactionId === undefined)
      return failure("internal", "no transaction id available");
    return answer(
      "StartTransaction",
      {
        idTagInfo: { status: context.idTagAccepted(request.idTag) ? "Accepted" : "Invalid" },
        transactionId: context.transactionId,
      },
      [
        {
          type: "tx.started",
          payload: {
            evseId: request.connectorId,
            connectorId: connectorOf(request.connectorId),
            transactionId: String(context.transactionId),
            idTag: request.idTag,
            meterStartWh: request.meterStart,
            timestamp: epochMs(request.timestamp),
            reservationId: request.reservationId,
          },
        },
      ],
    );
  },

  // The status, and a fault of its own when the errorCode names one.
  StatusNotification: (request) => {
    const invalid = badConnector(request.connectorId, true);
    if (invalid) return invalid;
    const evseId = request.connectorId;
    const connectorId = connectorOf(evseId);
    const timestamp = request.timestamp === undefined ? undefined : epochMs(request.timestamp);
    const { info, vendorId, vendorErrorCode } = request;
    const status: EventDraft = {
      type: "cp.status",
      payload: {
        evseId,
        connectorId,
        status: request.status,
        info,
        vendorId,
        vendorErrorCode,
        timestamp,
      },
    };
    if (request.errorCode === "NoError") return answer("StatusNotification", {}, [status]);
    return answer("StatusNotification", {}, [
      status,
      {
        type: "cp.fault",
        payload: {
          evseId,
          connectorId,
          code: request.errorCode,
          active: true,
          info,
          vendorId,
          vendorErrorCode,
          timestamp,
        },
      },
    ]);
  },

  // Answered whatever the transaction id (even unknown or -1): a charge point retries a stop forever.
  StopTransaction: (request) => {
    const { samples, dropped } = normalizeMeterValues(request.transactionData ?? []);
    return answer(
      "StopTransaction",
      { idTagInfo: { status: "Accepted" } },
      [
        {
          type: "tx.stopped",
          payload: {
            transactionId: String(request.transactionId),
            meterStopWh: request.meterStop,
            timestamp: epochMs(request.timestamp),
            reason: request.reason,
            idTag: request.idTag,
            samples: samples.length > 0 ? samples : undefined,
          },
        },
      ],
      dropped,
    );
  },

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

  // Certificates are not managed yet: refusing is the answer the whitepaper allows.
  SignCertificate: () =>
    answer("SignCertificate", { status: "Rejected" }, [
      { type: "cp.certificate-request", payload: { status: "Rejected" } },
    ]),

  SignedFirmwareStatusNotification: (request) =>
    answer("SignedFirmwareStatusNotification", {}, [
      {
        type: "cp.firmware-status",
        payload: { status: request.status, requestId: request.requestId },
      },
    ]),

  LogStatusNotification: (request) =>
    answer("LogStatusNotification", {}, [
      {
        type: "cp.diagnostics-status",
        payload: { status: request.status, requestId: request.requestId },
      },
    ]),
};
