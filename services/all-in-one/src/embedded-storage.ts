import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { InProcessCommandRoute } from "@levity/commands";
import { decodeBatch, FileJournal, InProcessEventLog, type OutgoingMessage } from "@levity/events";
import { FileSnapshotStore } from "@levity/metrics-projector";
import { InProcessTransactionIdBlocks } from "@levity/ocpp-gateway";
import type { Logger } from "@levity/service-kit";
import type { Storage } from "./storage.js";

/** The highest transaction id handed out so far: every one given to a charge point is in the log. */
export function lastTransactionId(messages: readonly OutgoingMessage[]): number {
  let last = 0;
  for (const message of messages) {
    const decoded = decodeBatch(message.data);
    if (!decoded.ok) continue;
    for (const event of decoded.value.events) {
      if (event.type === "tx.started")
        last = Math.max(last, Number(event.payload.transactionId) || 0);
    }
  }
  return last;
}

/** Storage in a data directory: the event journal and the projector's snapshot, no broker. */
export async function openEmbeddedStorage(dataDir: string, logger: Logger): Promise<Storage> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, "events.jsonl");
  const { journal, contents } = await FileJournal.open(path);
  if (contents.repaired) {
    logger.warn(
      { path, ...contents.repaired, kept: contents.messages.length },
      "repaired the event journal",
    );
  }
  logger.info({ path, messages: contents.messages.length }, "opened the event journal");
  const log = new InProcessEventLog({ journal, initial: contents.messages });
  return {
    log,
    route: new InProcessCommandRoute(),
    transactionIds: new InProcessTransactionIdBlocks(lastTransactionId(contents.messages)),
    snapshots: new FileSnapshotStore(join(dataDir, "projector-snapshot.gz")),
    connected: () => true,
    // The embedded log is in this process: it never becomes unreachable.
    onUnavailable: () => () => {},
    close: () => log.close(),
  };
}
