import type { Ocpp201 } from "@levity/ocpp";

const component = { name: "OCPPCommCtrlr" };
const variable = { name: "HeartbeatInterval" };
const hashData = {
  hashAlgorithm: "SHA256",
  issuerNameHash: "a",
  issuerKeyHash: "b",
  serialNumber: "c",
} as const;
const chargingProfile: Ocpp201.ChargingProfileType = {
  id: 1,
  stackLevel: 0,
  chargingProfilePurpose: "TxDefaultProfile",
  chargingProfileKind: "Absolute",
  chargingSchedule: [
    { id: 1, chargingRateUnit: "A", chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
  ],
};

/**
 * A valid request of every 2.0.1 command the CSMS sends (each checked against its schema in the
 * simulator's tests): for demos, and for tests that send every command end to end.
 */
export const SAMPLE_COMMANDS_201: {
  readonly [A in keyof Ocpp201.Ocpp201CommandRequests]: Ocpp201.Ocpp201CommandRequests[A];
} = {
  CancelReservation: { reservationId: 7 },
  CertificateSigned: { certificateChain: "-----BEGIN CERTIFICATE-----" },
  ChangeAvailability: { operationalStatus: "Inoperative", evse: { id: 1 } },
  ClearCache: {},
  ClearChargingProfile: { chargingProfileId: 1 },
  ClearDisplayMessage: { id: 1 },
  ClearVariableMonitoring: { id: [1, 2] },
  CostUpdated: { totalCost: 1.5, transactionId: "tx-1" },
  CustomerInformation: { requestId: 1, report: true, clear: false, customerIdentifier: "C-1" },
  DeleteCertificate: { certificateHashData: hashData },
  GetBaseReport: { requestId: 1, reportBase: "ConfigurationInventory" },
  GetChargingProfiles: { requestId: 1, chargingProfile: { chargingProfilePurpose: "TxProfile" } },
  GetCompositeSchedule: { duration: 3600, evseId: 1 },
  GetDisplayMessages: { requestId: 1 },
  GetInstalledCertificateIds: { certificateType: ["CSMSRootCertificate"] },
  GetLocalListVersion: {},
  GetLog: { logType: "DiagnosticsLog", requestId: 1, log: { remoteLocation: "https://x/" } },
  GetMonitoringReport: { requestId: 1 },
  GetReport: { requestId: 1, componentCriteria: ["Problem"] },
  GetTransactionStatus: { transactionId: "tx-1" },
  GetVariables: {
    getVariableData: [
      { component, variable },
      { component, variable: { name: "NoSuchVariable" } },
      { component: { name: "NoSuchController" }, variable },
    ],
  },
  InstallCertificate: { certificateType: "CSMSRootCertificate", certificate: "PEM" },
  PublishFirmware: { location: "https://x/fw", checksum: "abc", requestId: 1 },
  RequestStartTransaction: { idToken: { idToken: "TAG-1", type: "ISO14443" }, remoteStartId: 7 },
  RequestStopTransaction: { transactionId: "tx-1" },
  ReserveNow: {
    id: 7,
    expiryDateTime: "2030-01-01T00:00:00Z",
    idToken: { idToken: "TAG-1", type: "ISO14443" },
    evseId: 2,
  },
  Reset: { type: "Immediate" },
  SendLocalList: { versionNumber: 3, updateType: "Full" },
  SetChargingProfile: { evseId: 1, chargingProfile },
  SetDisplayMessage: {
    message: { id: 1, priority: "NormalCycle", message: { format: "UTF8", content: "Hello" } },
  },
  SetMonitoringBase: { monitoringBase: "All" },
  SetMonitoringLevel: { severity: 5 },
  SetNetworkProfile: {
    configurationSlot: 1,
    connectionData: {
      ocppVersion: "OCPP20",
      ocppTransport: "JSON",
      ocppCsmsUrl: "wss://csms.example.com/ocpp",
      messageTimeout: 30,
      securityProfile: 2,
      ocppInterface: "Wired0",
    },
  },
  SetVariableMonitoring: {
    setMonitoringData: [{ value: 1, type: "Delta", severity: 5, component, variable }],
  },
  SetVariables: {
    setVariableData: [
      { component, variable, attributeValue: "120" },
      {
        component: { name: "ChargingStation" },
        variable: { name: "SupplyPhases" },
        attributeValue: "1",
      },
    ],
  },
  TriggerMessage: { requestedMessage: "StatusNotification", evse: { id: 1, connectorId: 1 } },
  UnlockConnector: { evseId: 1, connectorId: 1 },
  UnpublishFirmware: { checksum: "abc" },
  UpdateFirmware: {
    requestId: 1,
    firmware: { location: "https://x/fw", retrieveDateTime: "2030-01-01T00:00:00Z" },
  },
  DataTransfer: { vendorId: "Levity", messageId: "ping", data: { hello: "world" } },
};
