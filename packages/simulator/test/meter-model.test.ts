import { describe, expect, it } from "vitest";
import { sampleMeter } from "../src/charge-point/meter-model.js";
import { SeededRandom } from "../src/index.js";
import { ocpp16SampledValues } from "../src/protocol/ocpp16-dialect.js";
import { ocpp201SampledValues } from "../src/protocol/ocpp201-dialect.js";

describe("meter model", () => {
  it("reports three phase currents near the target, the power and a growing energy register", () => {
    const session = { transactionId: 1, targetA: 16, energyWh: 1000, lastSampleAt: 0 };
    const first = ocpp16SampledValues(sampleMeter(session, 3_600_000, new SeededRandom(1)));
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
    const second = ocpp16SampledValues(sampleMeter(session, 3_600_000, new SeededRandom(2)));
    expect(
      Number(second.find((s) => s.measurand === "Energy.Active.Import.Register")?.value),
    ).toBeCloseTo(energy, 0);
  });

  it("writes the same sample as 2.0.1 numbers, the energy in Wh or kWh", () => {
    const session = { transactionId: "tx", targetA: 16, energyWh: 1000, lastSampleAt: 0 };
    const sample = sampleMeter(session, 3_600_000, new SeededRandom(1));
    const inWh = ocpp201SampledValues(sample, "Sample.Periodic", "Wh");
    const inKWh = ocpp201SampledValues(sample, "Sample.Periodic", "kWh");
    const energyOf = (values: typeof inWh) =>
      values.find((s) => s.measurand === "Energy.Active.Import.Register");
    expect(energyOf(inWh)).toMatchObject({ unitOfMeasure: { unit: "Wh" } });
    expect(energyOf(inKWh)).toMatchObject({ unitOfMeasure: { unit: "kWh" } });
    expect(energyOf(inWh)?.value).toBeCloseTo(sample.energyWh, 1);
    expect(energyOf(inKWh)?.value).toBeCloseTo(sample.energyWh / 1000, 4);
    expect(inWh.filter((s) => s.measurand === "Current.Import").map((s) => s.phase)).toEqual([
      "L1",
      "L2",
      "L3",
    ]);
    expect(inWh.find((s) => s.measurand === "Power.Active.Import")?.value).toBe(
      Math.round(sample.powerW),
    );
  });
});
