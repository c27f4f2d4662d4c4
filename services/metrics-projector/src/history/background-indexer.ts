import { type Logger, untilOpened } from "@levity/service-kit";
import type { NatsConnection } from "@nats-io/transport-node";
import { type HistoryIndexer, startHistoryIndexer } from "./history-indexer.js";

/**
 * Starts the history indexer in the background once `after` settles (the projector's replay: an
 * index catching up on the whole stream in the same process would slow the restart to ready),
 * retrying until its stream opens: nothing (the metrics, the gateway) waits for it. Stopping stops
 * it, or keeps it from starting.
 */
export function indexHistoryInBackground(
  connection: NatsConnection,
  options: {
    readonly stream: string;
    readonly subjectPrefix: string;
    readonly logger: Logger;
    readonly after: Promise<unknown>;
  },
): { stop(): Promise<void> } {
  let indexer: HistoryIndexer | undefined;
  let stopped = false;
  void options.after
    .catch((error: unknown) =>
      options.logger.warn({ err: error }, "the replay failed; indexing the history anyway"),
    )
    .then(() =>
      stopped
        ? undefined
        : untilOpened(
            "the history index",
            () => startHistoryIndexer(connection, options),
            options.logger,
          ),
    )
    .then(async (started) => {
      indexer = started;
      if (stopped) await started?.stop();
    });
  return {
    stop: async () => {
      stopped = true;
      await indexer?.stop();
    },
  };
}
