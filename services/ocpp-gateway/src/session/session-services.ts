import type { Logger } from "@levity/service-kit";
import type { GroupCommitter } from "../commit/group-committer.js";
import type { EventStamper } from "../events/event-stamper.js";
import type { GatewayMetrics } from "../metrics/gateway-metrics.js";
import type { TransactionIdAllocator } from "../transactions/transaction-ids.js";
import type { ChargePointSession } from "./charge-point-session.js";

/** Limits that keep one charge point from harming the others. */
export interface SessionLimits {
  /** CALLs a charge point may queue while one is being answered; one more closes the session. */
  readonly maxQueuedCalls: number;
  /** Bytes of unsent answers tolerated before a charge point that does not read is dropped. */
  readonly maxSendBuffer: number;
  readonly heartbeatIntervalS: number;
  /** Commands that may wait behind the one in flight; one more is refused at once. */
  readonly maxQueuedCommands: number;
  /** Longest wait for a charge point's answer to a command. */
  readonly commandTimeoutMs: number;
}

/** What every session of a gateway shares. */
export interface SessionServices {
  readonly committer: GroupCommitter;
  readonly stamper: EventStamper;
  readonly transactionIds: TransactionIdAllocator;
  readonly metrics: GatewayMetrics;
  readonly countCall: (action: string) => void;
  /** Whether an idTag may charge, by the registry's allow list. */
  readonly idTagAccepted: (idTag: string) => boolean;
  readonly logger: Logger;
  readonly now: () => number;
  readonly limits: SessionLimits;
  /** Called once when the session has ended, whoever ended it. */
  readonly ended: (session: ChargePointSession) => void;
}
