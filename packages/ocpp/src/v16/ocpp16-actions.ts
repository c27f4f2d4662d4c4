/** Calls a 1.6J charge point sends to the central system (core profiles and the security whitepaper). */
export const OCPP16_CP_ACTIONS = [
  "Authorize",
  "BootNotification",
  "DataTransfer",
  "DiagnosticsStatusNotification",
  "FirmwareStatusNotification",
  "Heartbeat",
  "MeterValues",
  "StartTransaction",
  "StatusNotification",
  "StopTransaction",
  "SecurityEventNotification",
  "SignCertificate",
  "SignedFirmwareStatusNotification",
  "LogStatusNotification",
] as const;

export type Ocpp16CpAction = (typeof OCPP16_CP_ACTIONS)[number];

/** Calls the central system sends to a 1.6J charge point: known to 1.6, but not ours to answer. */
export const OCPP16_CS_ACTIONS = [
  "CancelReservation",
  "CertificateSigned",
  "ChangeAvailability",
  "ChangeConfiguration",
  "ClearCache",
  "ClearChargingProfile",
  "DeleteCertificate",
  "ExtendedTriggerMessage",
  "GetCompositeSchedule",
  "GetConfiguration",
  "GetDiagnostics",
  "GetInstalledCertificateIds",
  "GetLocalListVersion",
  "GetLog",
  "InstallCertificate",
  "RemoteStartTransaction",
  "RemoteStopTransaction",
  "ReserveNow",
  "Reset",
  "SendLocalList",
  "SetChargingProfile",
  "SignedUpdateFirmware",
  "TriggerMessage",
  "UnlockConnector",
  "UpdateFirmware",
] as const;

/** Every command the central system may send a 1.6J charge point: its own actions, and DataTransfer. */
export const OCPP16_COMMAND_ACTIONS = [...OCPP16_CS_ACTIONS, "DataTransfer"] as const;

export type Ocpp16CommandAction = (typeof OCPP16_COMMAND_ACTIONS)[number];
