import { describe, expect, it } from "vitest";
import { meterReading } from "../src/charge-point/meter-model.js";
import { SeededRandom } from "../src/index.js";

describe("meter model", () => {
  it("reports three phase currents near the target, the power and a growing energy register", () => {
    const session = { transactionId: 1, targetA: 16, energyWh: 1000, lastSampleAt: 0 };
    const first = meterReading(session, 3_600_000, new SeededRandom(1));
    const currents = first.filter((s) => s.measurand === "Current.Import");
    expect(currents.map((s) => s.phase)).toEqual(["L1", "L2", "L3"]);
    for (const current of currents)
      expect(Math.abs(Number(current.value) - 16)).toBeLessThanOrEqual(0.81);
    const power = Number(first.find((s) => s.measurand === "Power.Active.Import")?.value);
    expect(power).toBeGreaterThan(3 * 230 * 15);
    const energy = Number(
      first.find((s) => s.measurand === "Energy.Active.Import.Register")?.value,
    );
    expect(energy).toBeCloseTo(1000 + power, -1);
    const second = meterReading(session, 3_600_000, new SeededRandom(2));
    expect(
      Number(second.find((s) => s.measurand === "Energy.Active.Import.Register")?.value),
    ).toBeCloseTo(energy, 0);
  });
});
