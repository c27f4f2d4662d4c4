import type { MeterSample } from "@levity/events";

// Energy delivered, from a meter's cumulative register: pure, and careful with meters that lie.

/** What a transaction knows of its meter: energy counted so far and the last reading applied. */
export interface RegisterTrack {
  readonly energyWh: number;
  readonly registerWh?: number;
  /** The charger's time of the reading (unix ms): an older or equal one is not applied. */
  readonly registerAt?: number;
}

export interface RegisterReading {
  readonly at: number;
  readonly wh: number;
}

const REGISTER = "Energy.Active.Import.Register";

/**
 * The fastest a register may honestly climb: 4 MW, above any charger (megawatt truck charging
 * included). A faster climb is a meter replaced or re-based, not energy.
 */
export const MAX_PLAUSIBLE_POWER_W = 4_000_000;
// Charger clocks jitter: a climb is judged over at least a minute.
const MIN_WINDOW_MS = 60_000;

/** The import register's readings among samples (un-phased, in Wh), oldest first. */
export function registerReadings(samples: readonly MeterSample[]): RegisterReading[] {
  const readings: RegisterReading[] = [];
  for (const sample of samples) {
    if (sample.measurand !== REGISTER || sample.unit !== "Wh" || sample.phase !== undefined)
      continue;
    if (sample.location !== undefined && sample.location !== "Outlet") continue;
    readings.push({ at: sample.timestamp, wh: sample.value });
  }
  return readings.sort((a, b) => a.at - b.at);
}

/**
 * Applies one reading: the increment over the last one counts as energy delivered. Nothing is
 * ever counted negative or twice: a reading not newer than the last applied (a duplicate, or
 * one arriving out of order) is ignored; the first reading of a transaction without a start
 * value is its baseline; a register that went backwards (reset at a reboot, a meter replaced)
 * or climbed faster than any charger can becomes the new baseline, counting nothing.
 */
export function applyReading(
  track: RegisterTrack,
  reading: RegisterReading,
): { readonly track: RegisterTrack; readonly deltaWh: number } {
  if (track.registerAt !== undefined && reading.at <= track.registerAt)
    return { track, deltaWh: 0 };
  const rebased = { energyWh: track.energyWh, registerWh: reading.wh, registerAt: reading.at };
  if (track.registerWh === undefined) return { track: rebased, deltaWh: 0 };
  const delta = reading.wh - track.registerWh;
  const windowMs = Math.max(MIN_WINDOW_MS, reading.at - (track.registerAt ?? reading.at));
  const plausible = (MAX_PLAUSIBLE_POWER_W * windowMs) / 3_600_000;
  if (delta < 0 || delta > plausible) return { track: rebased, deltaWh: 0 };
  return { track: { ...rebased, energyWh: track.energyWh + delta }, deltaWh: delta };
}
