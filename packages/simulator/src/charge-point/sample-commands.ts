/**
 * A valid request of every 1.6 command the central system sends (each checked against its schema
 * in the simulator's tests): for demos, and for tests that send every command end to end.
 */
export const SAMPLE_COMMANDS: Readonly<Record<string, Record<string, unknown>>> = {
  CancelReservation: { reservationId: 7 },
  CertificateSigned: { certificateChain: "-----BEGIN CERTIFICATE-----" },
  ChangeAvailability: { connectorId: 1, type: "Inoperative" },
  ChangeConfiguration: { key: "HeartbeatInterval", value: "120" },
  ClearCache: {},
  ClearChargingProfile: {},
  DeleteCertificate: {
    certificateHashData: {
      hashAlgorithm: "SHA256",
      issuerNameHash: "a",
      issuerKeyHash: "b",
      serialNumber: "c",
    },
  },
  ExtendedTriggerMessage: { requestedMessage: "Heartbeat" },
  GetCompositeSchedule: { connectorId: 1, duration: 3600 },
  GetConfiguration: { key: ["HeartbeatInterval", "NoSuchKey"] },
  GetDiagnostics: { location: "ftp://example.com/" },
  GetInstalledCertificateIds: { certificateType: "CentralSystemRootCertificate" },
  GetLocalListVersion: {},
  GetLog: { logType: "DiagnosticsLog", requestId: 1, log: { remoteLocation: "https://x/" } },
  InstallCertificate: { certificateType: "CentralSystemRootCertificate", certificate: "PEM" },
  RemoteStartTransaction: { idTag: "TAG-1" },
  RemoteStopTransaction: { transactionId: 42 },
  ReserveNow: {
    connectorId: 2,
    expiryDate: "2030-01-01T00:00:00Z",
    idTag: "TAG-1",
    reservationId: 7,
  },
  Reset: { type: "Hard" },
  SendLocalList: { listVersion: 3, updateType: "Full" },
  SetChargingProfile: {
    connectorId: 1,
    csChargingProfiles: {
      chargingProfileId: 1,
      stackLevel: 0,
      chargingProfilePurpose: "TxDefaultProfile",
      chargingProfileKind: "Absolute",
      chargingSchedule: {
        chargingRateUnit: "A",
        chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }],
      },
    },
  },
  SignedUpdateFirmware: {
    requestId: 1,
    firmware: {
      location: "https://x/fw",
      retrieveDateTime: "2030-01-01T00:00:00Z",
      signingCertificate: "PEM",
      signature: "sig",
    },
  },
  TriggerMessage: { requestedMessage: "StatusNotification", connectorId: 1 },
  UnlockConnector: { connectorId: 1 },
  UpdateFirmware: { location: "https://x/fw", retrieveDate: "2030-01-01T00:00:00Z" },
  DataTransfer: { vendorId: "Levity", data: "ping" },
};
