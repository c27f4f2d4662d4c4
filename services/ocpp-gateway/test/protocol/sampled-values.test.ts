import { describe, expect, it } from "vitest";
import { normalizeMeterValues } from "../../src/protocol/v16/sampled-values.js";

const at = "2026-03-04T05:06:07Z";
const ts = Date.parse(at);

function one(sampled: Record<string, string>) {
  return normalizeMeterValues([{ timestamp: at, sampledValue: [{ value: "0", ...sampled }] }]);
}

describe("normalizeMeterValues", () => {
  it("defaults the measurand to the 1.6 default, Energy.Active.Import.Register in Wh", () => {
    expect(one({ value: "1234" }).samples).toEqual([
      { timestamp: ts, measurand: "Energy.Active.Import.Register", value: 1234, unit: "Wh" },
    ]);
  });

  it.each([
    ["kWh", "12.5", "Wh", 12500],
    ["kW", "7.4", "W", 7400],
    ["kvarh", "2", "varh", 2000],
    ["kvar", "1", "var", 1000],
    ["kVA", "3", "VA", 3000],
    ["mA", "16000", "A", 16],
    ["Celcius", "21", "Celsius", 21],
    ["Fahrenheit", "212", "Celsius", 100],
    ["A", "32", "A", 32],
  ])("converts %s to base units", (unit, value, baseUnit, baseValue) => {
    const [sample] = one({ value, unit, measurand: "Current.Import" }).samples;
    expect(sample?.unit).toBe(baseUnit);
    expect(sample?.value).toBeCloseTo(baseValue, 9);
  });

  it("gives a unitless sample its measurand's natural unit", () => {
    expect(one({ value: "16", measurand: "Current.Import" }).samples[0]?.unit).toBe("A");
    expect(one({ value: "230", measurand: "Voltage" }).samples[0]?.unit).toBe("V");
    expect(one({ value: "11000", measurand: "Power.Active.Import" }).samples[0]?.unit).toBe("W");
    expect(one({ value: "80", measurand: "SoC" }).samples[0]?.unit).toBe("Percent");
  });

  it("keeps phase, context and location, and every sampled value", () => {
    const { samples } = normalizeMeterValues([
      {
        timestamp: at,
        sampledValue: ["L1", "L2", "L3"].map((phase, i) => ({
          value: String(10 + i),
          measurand: "Current.Import" as const,
          phase: phase as "L1",
          context: "Sample.Periodic" as const,
          location: "Outlet" as const,
        })),
      },
    ]);
    expect(samples.map((s) => [s.phase, s.value, s.context, s.location])).toEqual([
      ["L1", 10, "Sample.Periodic", "Outlet"],
      ["L2", 11, "Sample.Periodic", "Outlet"],
      ["L3", 12, "Sample.Periodic", "Outlet"],
    ]);
  });

  it("drops signed and non-numeric values and counts them", () => {
    const result = normalizeMeterValues([
      {
        timestamp: at,
        sampledValue: [
          { value: "abc" },
          { value: "1.2.3" },
          { value: "", measurand: "Voltage" },
          { value: "0x10" },
          { value: "c2lnbmVk", format: "SignedData" },
          { value: "-5.5e2" },
        ],
      },
    ]);
    expect(result.dropped).toBe(5);
    expect(result.samples.map((s) => s.value)).toEqual([-550]);
  });

  it("drops values that overflow a double, before or after scaling", () => {
    const result = normalizeMeterValues([
      { timestamp: at, sampledValue: [{ value: "1e400" }, { value: "1e308", unit: "kWh" }] },
    ]);
    expect(result).toEqual({ samples: [], dropped: 2 });
  });

  it("keeps at most the contract's 2000 samples and counts the rest as dropped", () => {
    const sampledValue = Array.from({ length: 2_005 }, (_, i) => ({ value: String(i) }));
    const result = normalizeMeterValues([{ timestamp: at, sampledValue }]);
    expect(result.samples).toHaveLength(2_000);
    expect(result.dropped).toBe(5);
  });
});
