import { setTimeout as sleep } from "node:timers/promises";

/** Options of `eventually`: how long to keep trying and how often. */
export interface EventuallyOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

/**
 * Retries `probe` until it returns without throwing, for state that converges asynchronously
 * (a metric after an event crosses the broker). The deadline only bounds a hung test: it is not a
 * performance assertion. The last failure is rethrown so the test shows what never became true.
 */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  options: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await sleep(options.intervalMs ?? 50);
    }
  }
}
