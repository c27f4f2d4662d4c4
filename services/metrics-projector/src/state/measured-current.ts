import type { MeterSample } from "@levity/events";

const PHASES = new Set(["L1", "L2", "L3"]);

/**
 * The Current.Import a set of samples reports, amperes: of the latest timestamp, the un-phased
 * value if sent, else the largest of L1/L2/L3. Undefined when no current was measured.
 */
export function measuredCurrent(samples: readonly MeterSample[]): number | undefined {
  let latest = -1;
  for (const sample of samples) {
    if (sample.measurand === "Current.Import" && sample.unit === "A")
      latest = Math.max(latest, sample.timestamp);
  }
  if (latest < 0) return undefined;
  let total: number | undefined;
  let largestPhase: number | undefined;
  for (const sample of samples) {
    if (sample.measurand !== "Current.Import" || sample.unit !== "A" || sample.timestamp !== latest)
      continue;
    if (sample.phase === undefined) total = sample.value;
    else if (PHASES.has(sample.phase))
      largestPhase = Math.max(largestPhase ?? sample.value, sample.value);
  }
  return total ?? largestPhase;
}
