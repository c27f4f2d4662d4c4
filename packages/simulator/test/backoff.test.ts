import { describe, expect, it } from "vitest";
import { backoffMs } from "../src/behaviour/backoff.js";

describe("back-off", () => {
  it("doubles the first wait after each failure, up to the bound", () => {
    const waits = Array.from({ length: 7 }, (_, attempt) =>
      backoffMs({ firstMs: 500, maxMs: 10_000 }, attempt),
    );
    expect(waits).toEqual([500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });
});
