import type { SeededRandom } from "../random/seeded-random.js";

const VOLTAGE = 230;

/** A charging session on one connector: what the meter has counted so far. */
export interface ChargingSession {
  readonly transactionId: number;
  /** The current the car draws per phase, amperes (a few percent of noise is added per sample). */
  readonly targetA: number;
  energyWh: number;
  lastSampleAt: number;
}

/** One OCPP 1.6 sampled value. */
export interface SampledValue {
  readonly value: string;
  readonly measurand: string;
  readonly unit: string;
  readonly phase?: string;
  readonly context: string;
}

/**
 * A three-phase meter reading: Current.Import per phase, the total active power and the energy
 * register, which grows with the power over the time since the previous reading.
 */
export function meterReading(
  session: ChargingSession,
  now: number,
  rng: SeededRandom,
): SampledValue[] {
  const currents = [1, 2, 3].map(() => Math.max(0, session.targetA * rng.between(0.95, 1.05)));
  const powerW = currents.reduce((sum, current) => sum + current * VOLTAGE, 0);
  session.energyWh += (powerW * Math.max(0, now - session.lastSampleAt)) / 3_600_000;
  session.lastSampleAt = now;
  const context = "Sample.Periodic";
  return [
    ...currents.map((current, i) => ({
      value: current.toFixed(2),
      measurand: "Current.Import",
      unit: "A",
      phase: `L${i + 1}`,
      context,
    })),
    { value: powerW.toFixed(0), measurand: "Power.Active.Import", unit: "W", context },
    {
      value: session.energyWh.toFixed(1),
      measurand: "Energy.Active.Import.Register",
      unit: "Wh",
      context,
    },
  ];
}
