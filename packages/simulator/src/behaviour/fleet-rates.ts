/** How often things happen to each simulated charge point. Times in seconds, rates per hour. */
export interface FleetRates {
  /** Connections are spread over this window at start. */
  readonly rampS: number;
  /** Mean idle time of a connector between charging sessions. */
  readonly idleMeanS: number;
  /** Mean length of a charging session. */
  readonly chargeMeanS: number;
  readonly meterIntervalS: number;
  readonly faultsPerHour: number;
  readonly rebootsPerHour: number;
  readonly dropsPerHour: number;
}

/** The 1.6 error codes a simulated fault reports. */
export const FAULT_CODES = [
  "ConnectorLockFailure",
  "EVCommunicationError",
  "GroundFailure",
  "HighTemperature",
  "OverCurrentFailure",
  "PowerMeterFailure",
  "ReaderFailure",
  "UnderVoltage",
  "OverVoltage",
  "WeakSignal",
] as const;
