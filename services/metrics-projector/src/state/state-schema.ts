import { Type } from "@sinclair/typebox";

// The shapes of the projection's records: the TypeScript types derive from these, and snapshots
// are validated against them, so a snapshot and the code reading it cannot drift apart.

const Ms = Type.Integer({ minimum: 0 });
const Count = Type.Integer({ minimum: 0 });

export const TransactionStateSchema = Type.Object({
  id: Type.String(),
  startedAt: Ms,
  /** The highest 2.0.1 seqNo whose measurements were applied: an older or repeated one is not. */
  seqNo: Type.Optional(Count),
});

export const ConnectorStateSchema = Type.Object({
  transaction: Type.Union([TransactionStateSchema, Type.Null()]),
  /** Latest measured Current.Import, amperes; 0 once the transaction ends. */
  currentA: Type.Number(),
});

export const CpInfoSchema = Type.Object({
  vendor: Type.String(),
  model: Type.String(),
  firmware: Type.String(),
});

export const CpStateSchema = Type.Object({
  firstSeenAt: Ms,
  lastSeenAt: Ms,
  lastHeartbeatAt: Type.Union([Ms, Type.Null()]),
  /** Latest transaction start or stop; the first-seen time until the first transaction. */
  lastTransactionAt: Ms,
  boots: Count,
  disconnects: Count,
  reconnectsDuringTx: Count,
  bootsDuringTx: Count,
  errors: Type.Record(Type.String(), Count),
  /** When each error code was last reported. */
  lastErrorAt: Type.Record(Type.String(), Ms),
  info: Type.Union([CpInfoSchema, Type.Null()]),
  /** Open sessions, oldest first: more than one while a charge point moves between gateways. */
  sessions: Type.Array(Type.String()),
  connectors: Type.Record(Type.String(), ConnectorStateSchema),
  /** A session ended while a transaction was active and no newer session was open yet. */
  endedInTransaction: Type.Boolean(),
  /**
   * Ids of the latest transactions that ended (a bounded set, sorted): a late or repeated start or
   * update of one never opens it again. Absent in snapshots taken before 2.0.1.
   */
  endedTransactions: Type.Optional(Type.Array(Type.String())),
  /** The OCPP subprotocol of its latest session. Absent in snapshots taken before 2.0.1. */
  protocol: Type.Optional(Type.String()),
});

export const SessionStateSchema = Type.Object({
  cpId: Type.String(),
  gatewayId: Type.String(),
  /** The gateway process holding the socket. */
  instance: Type.String(),
  /** Opened after a session ended mid-transaction; not yet known to be a reboot or a reconnect. */
  reconnectPending: Type.Boolean(),
  /** Began with a BootNotification sent during a transaction (counted as a reboot). */
  booted: Type.Boolean(),
});

export const GatewayStateSchema = Type.Object({
  instance: Type.String(),
  lastAliveAt: Ms,
  up: Type.Boolean(),
});

export const CommandRequestSchema = Type.Object({
  /** The action as labelled (a known action, or `other`). */
  action: Type.String(),
  requestedAt: Ms,
  deadline: Ms,
});

export const CommandDurationsSchema = Type.Object({
  buckets: Type.Array(Count),
  sum: Type.Number({ minimum: 0 }),
  count: Count,
});
