import type { CommandRoute } from "@levity/commands";
import type { EventLog } from "@levity/events";
import type { SnapshotStore } from "@levity/metrics-projector";
import type { TransactionIdBlocks } from "@levity/ocpp-gateway";

/** Where the all-in-one keeps its events, snapshot and transaction counter. */
export interface Storage {
  readonly log: EventLog;
  /** How commands reach the session holding a charge point. */
  readonly route: CommandRoute;
  readonly transactionIds: TransactionIdBlocks;
  readonly snapshots: SnapshotStore;
  /** Whether the log is reachable now. */
  readonly connected: () => boolean;
  /** Calls `listener` each time the log becomes unreachable; returns how to stop. */
  readonly onUnavailable: (listener: () => void) => () => void;
  close(): Promise<void>;
}
