import { type Logger, untilOpened } from "@levity/service-kit";
import type { NatsConnection } from "@nats-io/transport-node";
import { type HistoryIndexer, startHistoryIndexer } from "./history-indexer.js";

/**
 * Starts the history indexer in the background, retrying until its stream opens: nothing (the
 * metrics, the gateway) waits for it. Stopping stops it, or keeps it from starting.
 */
export function indexHistoryInBackground(
  connection: NatsConnection,
  options: { readonly stream: string; readonly subjectPrefix: string; readonly logger: Logger },
): { stop(): Promise<void> } {
  let indexer: HistoryIndexer | undefined;
  let stopped = false;
  void untilOpened(
    "the history index",
    () => startHistoryIndexer(connection, options),
    options.logger,
  ).then(async (started) => {
    indexer = started;
    if (stopped) await started.stop();
  });
  return {
    stop: async () => {
      stopped = true;
      await indexer?.stop();
    },
  };
}
