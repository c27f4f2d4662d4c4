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
