import type { Static } from "@sinclair/typebox";
import { Map as ImmutableMap, OrderedMap } from "immutable";
import type {
  AwaitedDecisionSchema,
  CommandDurationsSchema,
  CommandRequestSchema,
  ConnectorStateSchema,
  CpAutomationsSchema,
  CpInfoSchema,
  CpStateSchema,
  EndedTransactionSchema,
  GatewayStateSchema,
  HistogramSchema,
  SessionStateSchema,
  TransactionStateSchema,
} from "./state-schema.js";

/** A transaction in progress on one connector. */
export type TransactionState = Readonly<Static<typeof TransactionStateSchema>>;
/** A transaction the charge point stopped, as remembered. */
export type EndedTransactionState = Readonly<Static<typeof EndedTransactionSchema>>;
/** One connector of a charge point. */
export type ConnectorState = Readonly<Static<typeof ConnectorStateSchema>>;
/** What the latest BootNotification said the charge point is. */
export type CpInfo = Readonly<Static<typeof CpInfoSchema>>;
/** Everything the projector knows of one charge point. Times are unix ms from event data. */
export type CpState = Readonly<Static<typeof CpStateSchema>>;
/** An open session: whose it is and which gateway process holds its socket. */
export type SessionState = Readonly<Static<typeof SessionStateSchema>>;
/** A gateway as its alive, stopped and lost events describe it. */
export type GatewayState = Readonly<Static<typeof GatewayStateSchema>>;

/** A command requested and not answered yet. */
export type CommandRequestState = Readonly<Static<typeof CommandRequestSchema>>;
/** How long one action's commands took: cumulative bucket counts, sum and count, as a histogram. */
export type CommandDurations = Readonly<Static<typeof CommandDurationsSchema>>;

/** What automations decided about one charge point. */
export type CpAutomations = Readonly<Static<typeof CpAutomationsSchema>>;
/** A decision to act whose command is not known yet. */
export type AwaitedDecision = Readonly<Static<typeof AwaitedDecisionSchema>>;

/** A histogram: bucket counts (one per upper bound), sum and count. */
export type Histogram = Readonly<Static<typeof HistogramSchema>>;

/** Upper bounds of the fleet's transaction duration histogram, seconds. */
export const TRANSACTION_DURATION_BUCKETS = [
  60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400,
] as const;
/** Upper bounds of the fleet's transaction energy histogram, Wh. */
export const TRANSACTION_ENERGY_BUCKETS = [
  100, 500, 1000, 2500, 5000, 10000, 20000, 40000, 80000, 150000,
] as const;

/** An empty histogram over `bounds`. */
export function emptyHistogram(bounds: readonly number[]): Histogram {
  return { buckets: bounds.map(() => 0), sum: 0, count: 0 };
}

/** `histogram` with `value` observed. */
export function observe(histogram: Histogram, bounds: readonly number[], value: number): Histogram {
  return {
    buckets: histogram.buckets.map((n, i) => (value <= (bounds[i] ?? Infinity) ? n + 1 : n)),
    sum: histogram.sum + value,
    count: histogram.count + 1,
  };
}

/**
 * Transactions that ended with a stop the charger sent: how long they ran (in ms) and what they
 * delivered (in mWh). Whole thousandths, so the sums are exact whatever order transactions end in.
 */
export interface EndedTransactions {
  readonly durations: Histogram;
  readonly energy: Histogram;
}

/** The commands sent to charge points: in flight, and how each ended. */
export interface CommandsState {
  readonly inFlight: ImmutableMap<string, CommandRequestState>;
  /** By `action` TAB `outcome`. */
  readonly outcomes: ImmutableMap<string, number>;
  readonly durations: ImmutableMap<string, CommandDurations>;
  /** Event time of the last sweep for lost commands. */
  readonly sweptAt: number;
}

/** The automations' decisions: how each ended, and what they hold charge points in. */
export interface AutomationsState {
  /** By `automation` TAB `outcome` (skipped, accepted, rejected, failed, unsent). */
  readonly outcomes: ImmutableMap<string, number>;
  /** Decisions to act, by the idempotency key of their next command, until it is requested. */
  readonly awaiting: OrderedMap<string, AwaitedDecision>;
  /** The commands of those decisions, by command id, until they end. */
  readonly commands: OrderedMap<string, AwaitedDecision>;
  readonly cps: ImmutableMap<string, CpAutomations>;
}

/** The whole projection: a value, replaced (never mutated) by `evolve`. */
export interface ProjectionState {
  readonly cps: ImmutableMap<string, CpState>;
  readonly sessions: ImmutableMap<string, SessionState>;
  readonly gateways: ImmutableMap<string, GatewayState>;
  /** Last batch applied per producer instance: recognises re-published batches past the duplicate window. */
  readonly producers: OrderedMap<string, number>;
  /** Transactions ended because the connector moved on without a StopTransaction. */
  readonly orphanedTransactions: number;
  /** Events and error codes not kept because a limit was reached. */
  readonly dropped: { readonly chargePoints: number; readonly errorTypes: number };
  readonly commands: CommandsState;
  readonly transactions: EndedTransactions;
  readonly automations: AutomationsState;
}

export const EMPTY_STATE: ProjectionState = {
  cps: ImmutableMap(),
  sessions: ImmutableMap(),
  gateways: ImmutableMap(),
  producers: OrderedMap(),
  orphanedTransactions: 0,
  dropped: { chargePoints: 0, errorTypes: 0 },
  commands: {
    inFlight: ImmutableMap(),
    outcomes: ImmutableMap(),
    durations: ImmutableMap(),
    sweptAt: 0,
  },
  transactions: {
    durations: emptyHistogram(TRANSACTION_DURATION_BUCKETS),
    energy: emptyHistogram(TRANSACTION_ENERGY_BUCKETS),
  },
  automations: {
    outcomes: ImmutableMap(),
    awaiting: OrderedMap(),
    commands: OrderedMap(),
    cps: ImmutableMap(),
  },
};

/** A charge point first seen at `at`, with every counter at zero. */
export function newCp(at: number): CpState {
  return {
    firstSeenAt: at,
    lastSeenAt: at,
    lastHeartbeatAt: null,
    lastTransactionAt: at,
    boots: 0,
    disconnects: 0,
    reconnectsDuringTx: 0,
    bootsDuringTx: 0,
    errors: {},
    lastErrorAt: {},
    info: null,
    sessions: [],
    connectors: {},
    endedInTransaction: false,
    energyWh: 0,
    transactions: 0,
  };
}

/** Whether any connector of the charge point has a transaction in progress. */
export function inTransaction(cp: CpState): boolean {
  for (const connector of Object.values(cp.connectors)) if (connector.transaction) return true;
  return false;
}
