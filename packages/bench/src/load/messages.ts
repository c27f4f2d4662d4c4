// The calls the load client sends, pre-serialised but for the message id.

const at = "2026-01-01T00:00:00.000Z";

export const BOOT = JSON.stringify({
  chargePointVendor: "Bench",
  chargePointModel: "Load-1",
  firmwareVersion: "1.0",
});

const METER_VALUES = JSON.stringify({
  connectorId: 1,
  transactionId: 1,
  meterValue: [
    {
      timestamp: at,
      sampledValue: [
        { value: "16.1", measurand: "Current.Import", unit: "A", phase: "L1" },
        { value: "15.9", measurand: "Current.Import", unit: "A", phase: "L2" },
        { value: "16.0", measurand: "Current.Import", unit: "A", phase: "L3" },
        { value: "11040", measurand: "Power.Active.Import", unit: "W" },
        { value: "123456.7", measurand: "Energy.Active.Import.Register", unit: "Wh" },
      ],
    },
  ],
});
const STATUS = JSON.stringify({
  connectorId: 1,
  errorCode: "NoError",
  status: "Charging",
  timestamp: at,
});

/** The steady mix: mostly meter values, some heartbeats and status notifications. */
export const STEADY_MIX: readonly [action: string, payload: string][] = [
  ["MeterValues", METER_VALUES],
  ["MeterValues", METER_VALUES],
  ["MeterValues", METER_VALUES],
  ["Heartbeat", "{}"],
  ["StatusNotification", STATUS],
];

/** Heartbeats only: the lightest call, to time a charge point's round trip and nothing else. */
export const HEARTBEAT_MIX: readonly [action: string, payload: string][] = [["Heartbeat", "{}"]];

export function callText(id: string, action: string, payload: string): string {
  return `[2,"${id}","${action}",${payload}]`;
}
