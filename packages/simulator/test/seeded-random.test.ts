import { describe, expect, it } from "vitest";
import { SeededRandom } from "../src/index.js";

const draws = (random: SeededRandom, n = 5) => Array.from({ length: n }, () => random.next());

describe("SeededRandom", () => {
  it("repeats the same draws for the same seed", () => {
    expect(draws(new SeededRandom(42))).toEqual(draws(new SeededRandom(42)));
    expect(draws(new SeededRandom(42))).not.toEqual(draws(new SeededRandom(43)));
  });

  it("gives each fork its own reproducible stream", () => {
    const root = new SeededRandom(7);
    expect(draws(root.fork(1))).toEqual(draws(new SeededRandom(7).fork(1)));
    expect(draws(root.fork(1))).not.toEqual(draws(root.fork(2)));
  });

  it("draws within the asked bounds", () => {
    const random = new SeededRandom(1);
    for (let i = 0; i < 1_000; i++) {
      const n = random.int(3, 5);
      expect(n >= 3 && n <= 5 && Number.isInteger(n)).toBe(true);
      expect(random.jitter(100, 0.1)).toBeGreaterThanOrEqual(90);
      expect(random.exponential(10)).toBeGreaterThanOrEqual(0);
    }
    expect(random.pick(["only"])).toBe("only");
    expect(() => random.pick([])).toThrow(RangeError);
  });

  it("has the mean it is asked for, for exponential waits", () => {
    const random = new SeededRandom(3);
    const n = 20_000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += random.exponential(60);
    expect(sum / n).toBeGreaterThan(57);
    expect(sum / n).toBeLessThan(63);
  });
});
