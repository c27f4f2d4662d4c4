import type { Logger } from "pino";

/**
 * Runs `shutdown` once on SIGTERM or SIGINT, then exits 0; exits 1 if it throws or takes longer
 * than `graceMs`, so a stuck dependency cannot keep the process alive forever.
 */
export function onShutdownSignals(
  shutdown: () => Promise<void>,
  logger: Logger,
  graceMs = 20_000,
): void {
  let started = false;
  const handle = (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    logger.info({ signal }, "shutting down");
    const timer = setTimeout(() => {
      logger.error({ graceMs }, "shutdown took too long");
      process.exit(1);
    }, graceMs);
    timer.unref();
    shutdown().then(
      () => {
        logger.info("stopped");
        logger.flush();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        logger.flush();
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", handle);
  process.on("SIGINT", handle);
}
