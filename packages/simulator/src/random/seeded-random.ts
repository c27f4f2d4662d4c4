import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

// Mixes a seed with a stream number (murmur3's finaliser) so each charge point draws from its own
// sequence: a run is reproducible whatever order timers fire in.
function mix(seed: number, stream: number): number {
  let h = (seed ^ Math.imul(stream + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** A reproducible source of randomness (xoroshiro128+), with the draws a simulation needs. */
export class SeededRandom {
  readonly #seed: number;
  readonly #rng: ReturnType<typeof xoroshiro128plus>;

  constructor(seed: number) {
    this.#seed = seed | 0;
    this.#rng = xoroshiro128plus(this.#seed);
  }

  /** An independent generator for stream `n` (e.g. one per charge point). */
  fork(n: number): SeededRandom {
    return new SeededRandom(mix(this.#seed, n));
  }

  /** Uniform in [0, 1). */
  next(): number {
    return uniformFloat64(this.#rng);
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return Math.floor(this.between(min, max + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(0, items.length - 1)];
    if (item === undefined) throw new RangeError("cannot pick from an empty list");
    return item;
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** An exponentially distributed wait with the given mean: the gap between events of a Poisson process. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** `value` spread uniformly by ±`fraction`. */
  jitter(value: number, fraction = 0.1): number {
    return value * this.between(1 - fraction, 1 + fraction);
  }
}
