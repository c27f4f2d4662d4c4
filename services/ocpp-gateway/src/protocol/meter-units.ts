import { eventSchemas, type MeterSample } from "@levity/events";
import type { Loosen } from "./call-outcome.js";
import { epochMs } from "./timestamps.js";

/** The measurand of a sampled value that names none (1.6 and 2.0.1 agree). */
export const DEFAULT_MEASURAND = "Energy.Active.Import.Register";

// The event contract bounds the samples of one event (meter.values and the tx events alike); the
// OCPP schemas do not, and a 64 KiB MeterValues holds thousands.
const MAX_SAMPLES =
  eventSchemas["meter.values"].properties.payload.properties.samples.maxItems ??
  Number.POSITIVE_INFINITY;

// Multiples become base units so every consumer reads W, Wh, A, V...; "Celcius" is 1.6's own typo.
const SCALED_UNITS: Readonly<Record<string, readonly [string, number]>> = {
  kWh: ["Wh", 1000],
  kvarh: ["varh", 1000],
  kW: ["W", 1000],
  kVA: ["VA", 1000],
  kvar: ["var", 1000],
  mA: ["A", 0.001],
  kV: ["V", 1000],
  Celcius: ["Celsius", 1],
};

/**
 * The unit of a value that names none. Both versions default to Wh, which is only right for energy
 * registers; firmwares that omit it on other measurands mean the measurand's natural unit.
 */
export function naturalUnit(measurand: string): string {
  if (measurand.startsWith("Energy.Reactive")) return "varh";
  if (measurand.startsWith("Energy")) return "Wh";
  if (measurand.startsWith("Power.Reactive")) return "var";
  if (measurand === "Power.Factor") return "1";
  if (measurand.startsWith("Power")) return "W";
  if (measurand.startsWith("Current")) return "A";
  if (measurand === "Voltage") return "V";
  if (measurand === "Frequency") return "Hz";
  if (measurand === "Temperature") return "Celsius";
  if (measurand === "SoC") return "Percent";
  if (measurand === "RPM") return "rpm";
  return "Wh";
}

export function toBaseUnit(value: number, unit: string): { value: number; unit: string } {
  if (unit === "Fahrenheit") return { value: ((value - 32) * 5) / 9, unit: "Celsius" };
  const scaled = SCALED_UNITS[unit];
  return scaled ? { value: value * scaled[1], unit: scaled[0] } : { value, unit };
}

/** A meter value of either version: a time and its sampled values. */
interface MeterValueOf<S> {
  readonly timestamp: string;
  readonly sampledValue: readonly S[];
}

/**
 * Every sampled value `sampleOf` can read, in base units, up to the contract's bound; those it
 * cannot read, and those beyond the bound, are counted as dropped.
 */
export function normalizeSamples<S>(
  meterValues: readonly MeterValueOf<S>[],
  sampleOf: (sampled: S, timestamp: number) => Loosen<MeterSample> | undefined,
): { samples: Loosen<MeterSample>[]; dropped: number } {
  const samples: Loosen<MeterSample>[] = [];
  let dropped = 0;
  for (const meterValue of meterValues) {
    const timestamp = epochMs(meterValue.timestamp);
    for (const sampled of meterValue.sampledValue) {
      const sample = samples.length < MAX_SAMPLES ? sampleOf(sampled, timestamp) : undefined;
      if (sample) samples.push(sample);
      else dropped += 1;
    }
  }
  return { samples, dropped };
}
