import type { MeterSample } from "@levity/events";
import type { MeterValuesRequest } from "@levity/ocpp";
import type { Loosen } from "../call-outcome.js";
import { DEFAULT_MEASURAND, naturalUnit, normalizeSamples, toBaseUnit } from "../meter-units.js";

type MeterValue = MeterValuesRequest["meterValue"][number];
type SampledValue = MeterValue["sampledValue"][number];

// 1.6 sends values as text: a decimal number, or signed data this gateway cannot read.
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

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
  return normalizeSamples(meterValues, sampleOf);
}
