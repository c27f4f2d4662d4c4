import type { MeterSample } from "@levity/events";

const PHASES = new Set(["L1", "L2", "L3"]);

/**
 * A measurand's value at the latest timestamp among samples: the un-phased value if sent, else
 * its phases combined. Undefined when it was not measured.
 */
function latest(
  samples: readonly MeterSample[],
  measurand: string,
  unit: string,
  combine: (a: number, b: number) => number,
): number | undefined {
  let at = -1;
  for (const sample of samples) {
    if (sample.measurand === measurand && sample.unit === unit) at = Math.max(at, sample.timestamp);
  }
  if (at < 0) return undefined;
  let total: number | undefined;
  let phases: number | undefined;
  for (const sample of samples) {
    if (sample.measurand !== measurand || sample.unit !== unit || sample.timestamp !== at) continue;
    if (sample.phase === undefined) total = sample.value;
    else if (PHASES.has(sample.phase))
      phases = phases === undefined ? sample.value : combine(phases, sample.value);
  }
  return total ?? phases;
}

/** Current.Import in amperes: the un-phased value, else the largest phase. */
export function measuredCurrent(samples: readonly MeterSample[]): number | undefined {
  return latest(samples, "Current.Import", "A", Math.max);
}

/** Power.Active.Import in watts: the un-phased value, else the phases' sum. */
export function measuredPower(samples: readonly MeterSample[]): number | undefined {
  return latest(samples, "Power.Active.Import", "W", (a, b) => a + b);
}
