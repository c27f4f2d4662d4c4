import { type Response, result, status } from "./command-effect.js";
import {
  changeAvailability,
  freeConnector,
  isBusy,
  isFree,
  type StationState,
} from "./station-state.js";

/** A configuration key of the charge point. */
export interface ConfigurationValue {
  value: string;
  readonly readonly: boolean;
}

/** The state a 1.6 command reads and changes: the station's, and its configuration keys. */
export interface ResponderState extends StationState {
  readonly configuration: Map<string, ConfigurationValue>;
}

// The status each action answers when the charge point says no (for --reject-rate).
const REJECTION: Readonly<Record<string, string>> = {
  CancelReservation: "Rejected",
  ChangeAvailability: "Rejected",
  ChangeConfiguration: "Rejected",
  ClearCache: "Rejected",
  DataTransfer: "Rejected",
  GetCompositeSchedule: "Rejected",
  RemoteStartTransaction: "Rejected",
  RemoteStopTransaction: "Rejected",
  ReserveNow: "Rejected",
  Reset: "Rejected",
  SetChargingProfile: "Rejected",
  TriggerMessage: "Rejected",
  UnlockConnector: "UnlockFailed",
  ExtendedTriggerMessage: "Rejected",
  GetLog: "Rejected",
  SignedUpdateFirmware: "Rejected",
  CertificateSigned: "Rejected",
  InstallCertificate: "Rejected",
};

const TRIGGERABLE = new Set([
  "BootNotification",
  "DiagnosticsStatusNotification",
  "FirmwareStatusNotification",
  "Heartbeat",
  "MeterValues",
  "StatusNotification",
]);

/** The configuration a simulated charge point starts with. */
export function initialConfiguration(
  connectors: number,
  heartbeatIntervalS: number,
  meterIntervalS: number,
): Map<string, ConfigurationValue> {
  return new Map([
    ["HeartbeatInterval", { value: String(heartbeatIntervalS), readonly: false }],
    ["MeterValueSampleInterval", { value: String(meterIntervalS), readonly: false }],
    ["ConnectionTimeOut", { value: "60", readonly: false }],
    ["AuthorizeRemoteTxRequests", { value: "false", readonly: false }],
    ["LocalAuthListEnabled", { value: "true", readonly: false }],
    ["NumberOfConnectors", { value: String(connectors), readonly: true }],
    [
      "MeterValuesSampledData",
      {
        value: "Current.Import,Power.Active.Import,Energy.Active.Import.Register",
        readonly: false,
      },
    ],
    [
      "SupportedFeatureProfiles",
      {
        value:
          "Core,FirmwareManagement,LocalAuthListManagement,Reservation,SmartCharging,RemoteTrigger",
        readonly: true,
      },
    ],
  ]);
}

/**
 * How a simulated 1.6 charge point answers each command of the central system, and what it does
 * after: pure, so every answer can be checked against the `.conf` schema. Integers that are not
 * valid (a connector this charge point does not have) get the answer firmware gives for them.
 */
export function respond(state: ResponderState, action: string, payload: unknown): Response {
  const request = (payload ?? {}) as Record<string, unknown>;
  const connectorOf = (value: unknown) =>
    typeof value === "number" && value >= 0 && value <= state.connectors ? value : undefined;
  switch (action) {
    case "Reset":
      return status("Accepted", [{ kind: "reset", hard: request.type === "Hard" }]);
    case "RemoteStartTransaction": {
      const idTag = String(request.idTag);
      const wanted = connectorOf(request.connectorId);
      const connectorId = wanted && wanted > 0 ? wanted : freeConnector(state);
      if (connectorId === undefined || !isFree(state, connectorId)) return status("Rejected");
      return status("Accepted", [{ kind: "remote-start", connectorId, idTag }]);
    }
    case "RemoteStopTransaction": {
      const connectorId = state.transactions.get(Number(request.transactionId));
      if (connectorId === undefined) return status("Rejected");
      return status("Accepted", [{ kind: "remote-stop", connectorId }]);
    }
    case "TriggerMessage":
    case "ExtendedTriggerMessage": {
      const message = String(request.requestedMessage);
      if (!TRIGGERABLE.has(message)) return status("NotImplemented");
      const connectorId = connectorOf(request.connectorId);
      return status("Accepted", [{ kind: "trigger", message, connectorId }]);
    }
    case "GetConfiguration": {
      const keys = Array.isArray(request.key) ? request.key.map(String) : undefined;
      const wanted = keys ?? [...state.configuration.keys()];
      const configurationKey = wanted.flatMap((key) => {
        const entry = state.configuration.get(key);
        return entry ? [{ key, readonly: entry.readonly, value: entry.value }] : [];
      });
      const unknownKey = wanted.filter((key) => !state.configuration.has(key));
      return result(
        unknownKey.length > 0 ? { configurationKey, unknownKey } : { configurationKey },
      );
    }
    case "ChangeConfiguration": {
      const entry = state.configuration.get(String(request.key));
      if (!entry) return status("NotSupported");
      if (entry.readonly) return status("Rejected");
      const value = String(request.value);
      const numeric = entry.value !== "" && /^\d+$/.test(entry.value);
      if (numeric && !/^[1-9]\d*$/.test(value)) return status("Rejected");
      entry.value = value;
      return status("Accepted");
    }
    case "UnlockConnector": {
      const connectorId = connectorOf(request.connectorId);
      if (!connectorId) return status("NotSupported");
      return status("Unlocked");
    }
    case "ChangeAvailability": {
      const connectorId = connectorOf(request.connectorId);
      if (connectorId === undefined) return status("Rejected");
      const changed = changeAvailability(state, connectorId, request.type === "Inoperative");
      return status(changed.status, changed.effects);
    }
    case "ReserveNow": {
      const connectorId = connectorOf(request.connectorId);
      if (!connectorId) return status("Rejected");
      if (state.inoperative.has(connectorId)) return status("Unavailable");
      if (isBusy(state, connectorId)) return status("Occupied");
      state.reservations.set(Number(request.reservationId), {
        connectorId,
        idTag: String(request.idTag),
      });
      return status("Accepted", [{ kind: "status", connectorId, status: "Reserved" }]);
    }
    case "CancelReservation": {
      const reservation = state.reservations.get(Number(request.reservationId));
      if (!reservation) return status("Rejected");
      state.reservations.delete(Number(request.reservationId));
      return status("Accepted", [
        { kind: "status", connectorId: reservation.connectorId, status: "Available" },
      ]);
    }
    case "DataTransfer":
      return result({
        status: "Accepted",
        data: `echo:${String(request.data ?? "")}`.slice(0, 255),
      });
    case "ClearCache":
      return status("Accepted");
    case "GetLocalListVersion":
      return result({ listVersion: state.localListVersion });
    case "SendLocalList":
      state.localListVersion = Number(request.listVersion);
      return status("Accepted");
    case "GetDiagnostics":
      return result({ fileName: "diagnostics.log" });
    case "UpdateFirmware":
      return result({});
    case "SetChargingProfile":
      return status("Accepted");
    case "ClearChargingProfile":
      return status("Accepted");
    case "GetCompositeSchedule":
      return status("Rejected");
    case "GetLog":
      return result({ status: "Accepted", filename: "log.txt" });
    case "SignedUpdateFirmware":
      return status("Accepted");
    case "CertificateSigned":
      return status("Accepted");
    case "InstallCertificate":
      return status("Accepted");
    case "DeleteCertificate":
      return status("NotFound");
    case "GetInstalledCertificateIds":
      return status("NotFound");
    default:
      return {
        answer: {
          kind: "error",
          code: "NotImplemented",
          description: `${action} is not a 1.6 command this charge point knows`,
        },
        effects: [],
      };
  }
}

/** How an action is answered when the charge point refuses it (`--reject-rate`), if it can. */
export function rejection(action: string): Response | undefined {
  const refused = REJECTION[action];
  return refused ? status(refused) : undefined;
}
