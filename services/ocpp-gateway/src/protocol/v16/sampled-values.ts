import { eventSchemas, type MeterSample } from "@levity/events";
import type { MeterValuesRequest } from "@levity/ocpp";
import type { Loosen } from "../call-outcome.js";
import { epochMs } from "./timestamps.js";

type MeterValue = MeterValuesRequest["meterValue"][number];
type SampledValue = MeterValue["sampledValue"][number];

/** OCPP 1.6's measurand when a sampled value names none. */
export const DEFAULT_MEASURAND = "Energy.Active.Import.Register";

// The event contract bounds the samples of one event (meter.values and tx.stopped alike); the 1.6
// schema does not, and a 64 KiB MeterValues holds thousands.
const MAX_SAMPLES =
  eventSchemas["meter.values"].properties.payload.properties.samples.maxItems ??
  Number.POSITIVE_INFINITY;

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

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

// 1.6 defaults a missing unit to Wh, which is only right for energy registers; firmwares that omit
// it on other measurands mean the measurand's natural unit.
function naturalUnit(measurand: string): string {
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

function toBaseUnit(value: number, unit: string): { value: number; unit: string } {
  if (unit === "Fahrenheit") return { value: ((value - 32) * 5) / 9, unit: "Celsius" };
  const scaled = SCALED_UNITS[unit];
  return scaled ? { value: value * scaled[1], unit: scaled[0] } : { value, unit };
}

function sampleOf(sampled: SampledValue, timestamp: number): Loosen<MeterSample> | undefined {
  if (sampled.format === "SignedData" || !DECIMAL.test(sampled.value)) return undefined;
  const measurand = sampled.measurand ?? DEFAULT_MEASURAND;
  const base = toBaseUnit(Number(sampled.value), sampled.unit ?? naturalUnit(measurand));
  // "1e400" is a decimal, but no double: it would be stored as null.
  if (!Number.isFinite(base.value)) return undefined;
  return {
    timestamp,
    measurand,
    value: base.value,
    unit: base.unit,
    phase: sampled.phase,
    context: sampled.context,
    location: sampled.location,
  };
}

/**
 * Every numeric sampled value, in base units, up to the contract's bound; signed, non-numeric or
 * overflowing values, and those beyond the bound, are counted as dropped.
 */
export function normalizeMeterValues(meterValues: readonly MeterValue[]): {
  samples: Loosen<MeterSample>[];
  dropped: number;
} {
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
