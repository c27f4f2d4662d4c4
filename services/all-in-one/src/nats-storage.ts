import { indexHistoryInBackground, KvSnapshotStore } from "@levity/metrics-projector";
import { connectNats, JetStreamEventLog, NatsCommandRoute } from "@levity/nats";
import { KvTransactionIdBlocks } from "@levity/ocpp-gateway";
import type { Logger } from "@levity/service-kit";
import type { Storage } from "./storage.js";

/** Storage in NATS JetStream, exactly as the split services use it. */
export async function openNatsStorage(
  url: string,
  names: {
    readonly stream: string;
    readonly subjectPrefix: string;
    readonly publishTimeoutMs: number;
  },
  logger: Logger,
  /** Settles once the projector has replayed: the history index starts then, not during it. */
  replayed: Promise<unknown>,
): Promise<Storage> {
  const nats = await connectNats(url, "levity all-in-one", logger);
  const log = await JetStreamEventLog.open(nats.connection, {
    stream: names.stream,
    subjectPrefix: names.subjectPrefix,
    publishTimeoutMs: names.publishTimeoutMs,
  });
  const route = await NatsCommandRoute.open(nats.connection, {
    bucket: `${names.stream}_OWNERS`,
    subjectPrefix: names.subjectPrefix,
  });
  // The history index behind `levity-admin events`, as the split projector writes it.
  const history = indexHistoryInBackground(nats.connection, {
    stream: names.stream,
    subjectPrefix: names.subjectPrefix,
    logger,
    after: replayed,
  });
  return {
    log,
    route,
    transactionIds: await KvTransactionIdBlocks.open(nats.connection, `${names.stream}_TXIDS`),
    snapshots: await KvSnapshotStore.open(nats.connection, `${names.stream}_SNAPSHOTS`),
    connected: nats.connected,
    onUnavailable: nats.onDisconnect,
    close: async () => {
      await history.stop();
      await route.close();
      await log.close();
      await nats.connection.drain();
    },
  };
}
