import type { SeededRandom } from "../random/seeded-random.js";

/** How long a charge point waits between attempts to reach the central system. */
export interface Backoff {
  readonly firstMs: number;
  readonly maxMs: number;
}

/**
 * The wait before attempt `attempt` (from 0): the first wait, doubled after each failure up to the
 * bound, so an unreachable central system is not hammered.
 */
export function backoffMs({ firstMs, maxMs }: Backoff, attempt: number): number {
  return Math.min(firstMs * 2 ** attempt, maxMs);
}

/**
 * How a fleet's charge point comes back, close to OCPP 2.0.1's RetryBackOffWaitMinimum (1 s) plus
 * RetryBackOffRandomRange (4 s), doubled per failure: after losing its connection it waits a
 * uniform 1-5 s, so charge points cut off together do not all come back at once; after an attempt
 * in which every central system of its list failed, 1 s doubled per failure up to 60 s, ±30 %.
 */
export const FLEET_RECONNECT = {
  afterLossMs: { min: 1_000, max: 5_000 },
  backoff: { firstMs: 1_000, maxMs: 60_000 },
  jitter: 0.3,
} as const;

/** The wait before the first attempt after the connection was lost. */
export function afterLossMs(rng: SeededRandom): number {
  return rng.between(FLEET_RECONNECT.afterLossMs.min, FLEET_RECONNECT.afterLossMs.max);
}

/** The wait after `failures` failed attempts in a row (from 0: after the first). */
export function afterFailureMs(rng: SeededRandom, failures: number): number {
  return rng.jitter(backoffMs(FLEET_RECONNECT.backoff, failures), FLEET_RECONNECT.jitter);
}
