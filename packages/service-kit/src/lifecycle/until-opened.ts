import type { Logger } from "pino";

// Delays between attempts (ms): quick at first, as after a nats-server restart, then every 2 s.
const DELAYS_MS = [100, 250, 500, 1_000, 2_000];

/**
 * Resolves with what `open` opens, trying again until it succeeds: a service started while its
 * broker is still starting (JetStream not ready, no stream leader yet) waits for it instead of
 * exiting. Logs the first failure and every tenth after it.
 */
export async function untilOpened<T>(
  what: string,
  open: () => Promise<T>,
  logger: Logger,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await open();
    } catch (error) {
      if (attempt % 10 === 0) logger.warn({ err: error, attempt }, `could not open ${what} yet`);
      const delay = DELAYS_MS[Math.min(attempt, DELAYS_MS.length - 1)] ?? 0;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
