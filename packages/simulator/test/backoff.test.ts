import { describe, expect, it } from "vitest";
import {
  afterFailureMs,
  afterLossMs,
  backoffMs,
  FLEET_RECONNECT,
} from "../src/behaviour/backoff.js";
import { SeededRandom } from "../src/random/seeded-random.js";

describe("back-off", () => {
  it("doubles the first wait after each failure, up to the bound", () => {
    const waits = Array.from({ length: 7 }, (_, attempt) =>
      backoffMs({ firstMs: 500, maxMs: 10_000 }, attempt),
    );
    expect(waits).toEqual([500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });
});

describe("the fleet's reconnection back-off", () => {
  it("waits 1-5 s after a loss, spread, and doubles from 1 s per failure up to 60 s, ±30 %", () => {
    const rng = new SeededRandom(42);
    const losses = Array.from({ length: 1_000 }, () => afterLossMs(rng));
    const { min, max } = FLEET_RECONNECT.afterLossMs;
    for (const wait of losses) expect(wait >= min && wait < max, String(wait)).toBe(true);
    // Spread over the whole range, not bunched: a fleet cut off together comes back over 4 s.
    expect(Math.min(...losses)).toBeLessThan(min + 200);
    expect(Math.max(...losses)).toBeGreaterThan(max - 200);

    const bases = [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000];
    for (const [failures, base] of bases.entries()) {
      for (let draw = 0; draw < 50; draw++) {
        const wait = afterFailureMs(rng, failures);
        expect(wait >= base * 0.7 && wait <= base * 1.3, `${failures}: ${wait}`).toBe(true);
      }
    }
  });
});
