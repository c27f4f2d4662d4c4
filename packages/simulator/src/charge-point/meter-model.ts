import type { SeededRandom } from "../random/seeded-random.js";

const VOLTAGE = 230;

/** A charging session on one connector: what the meter has counted so far. */
export interface ChargingSession {
  /** The id the central system gave (1.6) or the one the charging station made (2.0.1). */
  readonly transactionId: number | string;
  /** The current the car draws per phase, amperes (a few percent of noise is added per sample). */
  readonly targetA: number;
  energyWh: number;
  lastSampleAt: number;
}

/** One reading of a three-phase meter, before a protocol writes it down. */
export interface MeterSample {
  /** Current.Import of phases L1, L2, L3, amperes. */
  readonly currentsA: readonly number[];
  /** Power.Active.Import, watts. */
  readonly powerW: number;
  /** Energy.Active.Import.Register, watt-hours. */
  readonly energyWh: number;
}

/**
 * A three-phase meter reading: Current.Import per phase, the total active power and the energy
 * register, which grows with the power over the time since the previous reading.
 */
export function sampleMeter(session: ChargingSession, now: number, rng: SeededRandom): MeterSample {
  const currentsA = [1, 2, 3].map(() => Math.max(0, session.targetA * rng.between(0.95, 1.05)));
  const powerW = currentsA.reduce((sum, current) => sum + current * VOLTAGE, 0);
  session.energyWh += (powerW * Math.max(0, now - session.lastSampleAt)) / 3_600_000;
  session.lastSampleAt = now;
  return { currentsA, powerW, energyWh: session.energyWh };
}
