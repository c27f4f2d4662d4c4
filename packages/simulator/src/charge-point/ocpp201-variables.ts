import type { Ocpp201 } from "@levity/ocpp";

/** One variable of a 2.0.1 device model, with its Actual value. */
export interface DeviceVariable {
  value: string;
  readonly mutability: "ReadOnly" | "ReadWrite";
  readonly dataType: Ocpp201.DataEnumType;
}

/** Where a variable lives: "Component.Variable", e.g. "OCPPCommCtrlr.HeartbeatInterval". */
export const variableKey = (component: string, variable: string) => `${component}.${variable}`;

export const HEARTBEAT_INTERVAL = variableKey("OCPPCommCtrlr", "HeartbeatInterval");
export const TX_UPDATED_INTERVAL = variableKey("SampledDataCtrlr", "TxUpdatedInterval");

/** The small device model a simulated 2.0.1 charging station starts with. */
export function initialVariables(
  heartbeatIntervalS: number,
  meterIntervalS: number,
): Map<string, DeviceVariable> {
  const readWrite = (value: string, dataType: Ocpp201.DataEnumType): DeviceVariable => ({
    value,
    mutability: "ReadWrite",
    dataType,
  });
  return new Map([
    [HEARTBEAT_INTERVAL, readWrite(String(heartbeatIntervalS), "integer")],
    [variableKey("OCPPCommCtrlr", "MessageTimeout"), readWrite("30", "integer")],
    [TX_UPDATED_INTERVAL, readWrite(String(meterIntervalS), "decimal")],
    [
      variableKey("SampledDataCtrlr", "TxUpdatedMeasurands"),
      readWrite("Energy.Active.Import.Register,Power.Active.Import,Current.Import", "MemberList"),
    ],
    [variableKey("AuthCtrlr", "AuthorizeRemoteStart"), readWrite("false", "boolean")],
    [variableKey("LocalAuthListCtrlr", "Enabled"), readWrite("true", "boolean")],
    [variableKey("TxCtrlr", "StopTxOnEVSideDisconnect"), readWrite("true", "boolean")],
    [
      variableKey("ChargingStation", "SupplyPhases"),
      { value: "3", mutability: "ReadOnly", dataType: "integer" },
    ],
  ]);
}

/** Whether `value` may be set on `variable`: a number where it is one, true/false where a boolean. */
export function acceptsValue(variable: DeviceVariable, value: string): boolean {
  switch (variable.dataType) {
    case "integer":
      return /^[1-9]\d*$/.test(value);
    case "decimal":
      return /^\d+(\.\d+)?$/.test(value) && Number(value) > 0;
    case "boolean":
      return value === "true" || value === "false";
    default:
      return value.length <= 2500;
  }
}
