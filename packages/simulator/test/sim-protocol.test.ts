import { describe, expect, it } from "vitest";
import { protocolOf } from "../src/index.js";

const fleet = (first: number, count: number, seed: number, protocolMix: number | undefined) =>
  Array.from({ length: count }, (_, i) =>
    protocolOf(first + i, seed, { protocol: "ocpp1.6", protocolMix }),
  );
const speaking201 = (protocols: readonly string[]) =>
  protocols.filter((p) => p === "ocpp2.0.1").length;

describe("which protocol each charge point speaks", () => {
  it("is --protocol for all without a mix", () => {
    expect(new Set(fleet(1, 50, 1, undefined))).toEqual(new Set(["ocpp1.6"]));
    expect(protocolOf(3, 1, { protocol: "ocpp2.0.1", protocolMix: undefined })).toBe("ocpp2.0.1");
  });

  it("gives a mix its share of any run of charge points, 0 and 1 included", () => {
    expect(speaking201(fleet(1, 100, 7, 0.3))).toBe(30);
    expect(speaking201(fleet(1, 10, 7, 0.5))).toBe(5);
    expect(speaking201(fleet(41, 7, 7, 0.5))).toBeGreaterThanOrEqual(3);
    expect(speaking201(fleet(41, 7, 7, 0.5))).toBeLessThanOrEqual(4);
    expect(speaking201(fleet(1, 20, 7, 0))).toBe(0);
    expect(speaking201(fleet(1, 20, 7, 1))).toBe(20);
  });

  it("picks the same charge points for the same seed, and others for another", () => {
    expect(fleet(1, 40, 3, 0.25)).toEqual(fleet(1, 40, 3, 0.25));
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => fleet(1, 40, seed, 0.25).join());
    expect(new Set(seeds).size).toBeGreaterThan(1);
  });
});
