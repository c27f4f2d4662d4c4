// The calls the load client sends, pre-serialised but for the message id: the same mix in each
// protocol, so the gateway's cost per call of one version can be set beside the other's.

const at = "2026-01-01T00:00:00.000Z";

/** The OCPP versions the load client speaks. */
export const LOAD_PROTOCOLS = ["ocpp1.6", "ocpp2.0.1"] as const;
export type LoadProtocol = (typeof LOAD_PROTOCOLS)[number];

const BOOT = JSON.stringify({
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

const BOOT_201 = JSON.stringify({
  reason: "PowerUp",
  chargingStation: { vendorName: "Bench", model: "Load-1", firmwareVersion: "1.0" },
});

const METER_VALUES_201 = JSON.stringify({
  evseId: 1,
  meterValue: [
    {
      timestamp: at,
      sampledValue: [
        { value: 16.1, measurand: "Current.Import", unitOfMeasure: { unit: "A" }, phase: "L1" },
        { value: 15.9, measurand: "Current.Import", unitOfMeasure: { unit: "A" }, phase: "L2" },
        { value: 16.0, measurand: "Current.Import", unitOfMeasure: { unit: "A" }, phase: "L3" },
        { value: 11040, measurand: "Power.Active.Import", unitOfMeasure: { unit: "W" } },
        {
          value: 123456.7,
          measurand: "Energy.Active.Import.Register",
          unitOfMeasure: { unit: "Wh" },
        },
      ],
    },
  ],
});

const STATUS_201 = JSON.stringify({
  timestamp: at,
  connectorStatus: "Occupied",
  evseId: 1,
  connectorId: 1,
});

/** An identity prefix per version, so fleets of both can share one gateway. */
export function identityPrefix(base: string, protocol: LoadProtocol): string {
  return protocol === "ocpp1.6" ? `${base}-` : `${base}201-`;
}

type Mix = readonly (readonly [action: string, payload: string])[];

/** What a charge point of one version sends: its boot, and its calls under load. */
export interface LoadMessages {
  readonly boot: string;
  /** The steady mix: mostly meter values, some heartbeats and status notifications. */
  readonly steady: Mix;
  /** Heartbeats only: the lightest call, to time a charge point's round trip and nothing else. */
  readonly heartbeat: Mix;
}

export const LOAD_MESSAGES: Readonly<Record<LoadProtocol, LoadMessages>> = {
  "ocpp1.6": {
    boot: BOOT,
    steady: [
      ["MeterValues", METER_VALUES],
      ["MeterValues", METER_VALUES],
      ["MeterValues", METER_VALUES],
      ["Heartbeat", "{}"],
      ["StatusNotification", STATUS],
    ],
    heartbeat: [["Heartbeat", "{}"]],
  },
  "ocpp2.0.1": {
    boot: BOOT_201,
    steady: [
      ["MeterValues", METER_VALUES_201],
      ["MeterValues", METER_VALUES_201],
      ["MeterValues", METER_VALUES_201],
      ["Heartbeat", "{}"],
      ["StatusNotification", STATUS_201],
    ],
    heartbeat: [["Heartbeat", "{}"]],
  },
};

export function callText(id: string, action: string, payload: string): string {
  return `[2,"${id}","${action}",${payload}]`;
}
