import type { MeterSample } from "@levity/events";
import type { Ocpp201 } from "@levity/ocpp";
import type { Loosen } from "../call-outcome.js";
import { DEFAULT_MEASURAND, naturalUnit, normalizeSamples, toBaseUnit } from "../meter-units.js";

function sampleOf(
  sampled: Ocpp201.SampledValueType,
  timestamp: number,
): Loosen<MeterSample> | undefined {
  const measurand = sampled.measurand ?? DEFAULT_MEASURAND;
  // 2.0.1 sends numbers, scaled by a power of ten (a multiplier of 3 on Wh reads as kWh).
  const scaled = sampled.value * 10 ** (sampled.unitOfMeasure?.multiplier ?? 0);
  // An empty unit names none: the measurand's own unit, as when it is absent.
  const base = toBaseUnit(scaled, sampled.unitOfMeasure?.unit || naturalUnit(measurand));
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
 * Every sampled value in base units, with its multiplier applied, up to the contract's bound;
 * values that overflow a double, and those beyond the bound, are counted as dropped. A signed
 * value keeps its plain `value`, which 2.0.1 sends beside the signature.
 */
export function normalizeMeterValues201(meterValues: readonly Ocpp201.MeterValueType[]): {
  samples: Loosen<MeterSample>[];
  dropped: number;
} {
  return normalizeSamples(meterValues, sampleOf);
}

/** The energy register a transaction's samples end on, in Wh: its start or stop meter value. */
export function energyRegisterWh(samples: readonly Loosen<MeterSample>[]): number | undefined {
  let register: number | undefined;
  for (const sample of samples) {
    if (
      sample.measurand === DEFAULT_MEASURAND &&
      sample.unit === "Wh" &&
      sample.phase === undefined
    )
      register = sample.value;
  }
  return register;
}
