import { Type } from "@sinclair/typebox";

// The shapes of the projection's records: the TypeScript types derive from these, and snapshots
// are validated against them, so a snapshot and the code reading it cannot drift apart.

const Ms = Type.Integer({ minimum: 0 });
const Count = Type.Integer({ minimum: 0 });

export const TransactionStateSchema = Type.Object({
  id: Type.String(),
  startedAt: Ms,
  /** The charger's time of the start: a transaction's duration is on the charger's clock. */
  startTimestamp: Ms,
  /** The highest 2.0.1 seqNo whose measurements were applied: an older or repeated one is not. */
  seqNo: Type.Optional(Count),
  /** Energy delivered so far, from the import register (see meter-register.ts). */
  energyWh: Type.Number({ minimum: 0 }),
  registerWh: Type.Optional(Type.Number()),
  registerAt: Type.Optional(Ms),
});

export const ConnectorStateSchema = Type.Object({
  transaction: Type.Union([TransactionStateSchema, Type.Null()]),
  /** Latest measured Current.Import, amperes; 0 once the transaction ends. */
  currentA: Type.Number(),
  /** Latest Power.Active.Import during a transaction, watts; 0 outside one. */
  powerW: Type.Number(),
  /** Its latest status of the fixed set (CONNECTOR_STATUSES), and since when (event time). */
  status: Type.Optional(Type.String()),
  statusSince: Type.Optional(Ms),
  /** Set by an accepted ChangeAvailability of this connector (see availability.ts). */
  plannedInoperative: Type.Optional(Type.Boolean()),
});

/** A transaction the charge point stopped, remembered so its late or repeated events change nothing. */
export const EndedTransactionSchema = Type.Object({
  id: Type.String(),
  /** The charger's time of the stop. */
  stoppedAt: Ms,
  /** When the projection saw it end (the event's receive time): what orders the kept ones. */
  endedAt: Ms,
  /** The register at the stop, when the stop came before the start. */
  stopWh: Type.Optional(Type.Number()),
  /** Whether its duration and energy were counted in the fleet's histograms. */
  observed: Type.Boolean(),
  /** For the read API: where it ran, the charger's time of its start, its energy and stop reason. */
  evseId: Type.Optional(Type.Integer({ minimum: 0 })),
  startedAt: Type.Optional(Ms),
  energyWh: Type.Optional(Type.Number({ minimum: 0 })),
  reason: Type.Optional(Type.String()),
  /** Ended without a stop: its connector moved on (its stop time is when that was seen). */
  orphaned: Type.Optional(Type.Boolean()),
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
   * The latest transactions that ended (a bounded set, oldest end first): a late or repeated
   * start or update of one never opens it again, and the read API lists them.
   */
  endedTransactions: Type.Optional(Type.Array(EndedTransactionSchema)),
  /** The OCPP subprotocol of its latest session. */
  protocol: Type.Optional(Type.String()),
  /** Energy delivered in its transactions, Wh. */
  energyWh: Type.Number({ minimum: 0 }),
  /** Transactions that ended (stopped, or orphaned by the connector moving on). */
  transactions: Count,
  /** Set by an accepted ChangeAvailability of the whole charge point (see availability.ts). */
  plannedInoperative: Type.Optional(Type.Boolean()),
  /** When its latest BootNotifications came (event time, oldest first, at most MAX_BOOT_TIMES). */
  bootTimes: Type.Optional(Type.Array(Ms)),
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
  /** What a ChangeAvailability asks for, applied when the charge point takes it. */
  availability: Type.Optional(
    Type.Object({ evseId: Type.Integer({ minimum: 0 }), inoperative: Type.Boolean() }),
  ),
});

/** A histogram's bucket counts (one per upper bound, each counting what is at most it), sum and count. */
export const HistogramSchema = Type.Object({
  buckets: Type.Array(Count),
  sum: Type.Number({ minimum: 0 }),
  count: Count,
});

export const CommandDurationsSchema = HistogramSchema;

/** What automations decided about one charge point: what they still hold it in, and when they acted. */
export const CpAutomationsSchema = Type.Object({
  /** Quarantined by this automation's decision, until an operator clears it. */
  quarantine: Type.Optional(
    Type.Object({ automation: Type.String(), since: Ms, decision: Type.String() }),
  ),
  /** The operator's latest clearing of a quarantine: what releases the charge point. */
  cleared: Type.Optional(Type.Object({ automation: Type.String(), at: Ms, id: Type.String() })),
  /** By automation: when its latest decisions to act were stored (event time, oldest first). */
  acted: Type.Record(Type.String(), Type.Array(Ms)),
});

/**
 * A decision to act whose command is not known to be requested yet (any replica may send it), or
 * whose command is on its way. Keyed by the command's idempotency key: the decision's id for the
 * first attempt, `<id>#<attempt>` for an attempt after one found the charge point offline.
 */
export const AwaitedDecisionSchema = Type.Object({
  automation: Type.String(),
  decision: Type.String(),
  attempt: Type.Integer({ minimum: 1 }),
  cpId: Type.String(),
  action: Type.String(),
  request: Type.Record(Type.String(), Type.Unknown()),
  deadline: Ms,
});
