import { type Static, Type } from "@sinclair/typebox";
import { CONNECTOR_STATUSES, MAX_ENDED_TRANSACTIONS } from "../state/charge-points.js";

// The shapes of the charge-point API's requests and answers: the routes validate against them and
// the OpenAPI document (docs/openapi.json) is generated from them.

const Time = Type.String({ format: "date-time" });
const Identity = Type.String({ minLength: 1, maxLength: 255 });

/** The most charge points one page holds, and how many when the query does not say. */
export const MAX_PAGE = 1_000;
export const DEFAULT_PAGE = 100;
/** Ended transactions listed when the query does not say. */
export const DEFAULT_TRANSACTIONS = 10;

export const ListQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_PAGE,
        default: DEFAULT_PAGE,
        description: "charge points per page",
      }),
    ),
    after: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 255,
        description: "the page after this identity: the previous page's `next`",
      }),
    ),
    connected: Type.Optional(Type.Boolean({ description: "only those connected (or not) now" })),
    status: Type.Optional(
      Type.Union(
        CONNECTOR_STATUSES.map((status) => Type.Literal(status)),
        { description: "only those with a connector in this status" },
      ),
    ),
    vendor: Type.Optional(
      Type.String({ maxLength: 255, description: "only this vendor (BootNotification)" }),
    ),
    protocol: Type.Optional(
      Type.String({ maxLength: 32, description: "only this OCPP protocol, e.g. ocpp1.6" }),
    ),
    gateway: Type.Optional(
      Type.String({ maxLength: 255, description: "only those whose session is on this gateway" }),
    ),
  },
  { additionalProperties: false },
);
export type ListQueryType = Static<typeof ListQuery>;

/** The filters a list query may carry, by name: any other is refused. */
export const LIST_QUERY_KEYS: ReadonlySet<string> = new Set(Object.keys(ListQuery.properties));

export const CpParams = Type.Object({ id: Identity }, { additionalProperties: false });
export type CpParamsType = Static<typeof CpParams>;

export const TransactionsQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_ENDED_TRANSACTIONS,
        default: DEFAULT_TRANSACTIONS,
        description: `ended transactions, latest first (at most the ${MAX_ENDED_TRANSACTIONS} each charge point keeps)`,
      }),
    ),
  },
  { additionalProperties: false },
);
export type TransactionsQueryType = Static<typeof TransactionsQuery>;

/** The filters a transactions query may carry, by name. */
export const TRANSACTIONS_QUERY_KEYS: ReadonlySet<string> = new Set(
  Object.keys(TransactionsQuery.properties),
);

export const ActiveTransaction = Type.Object({
  transactionId: Type.String(),
  startedAt: Type.Union([Time, Type.Null()], {
    description: "the charger's time of the start",
  }),
  energyWh: Type.Number({ description: "delivered so far, from the import register" }),
  powerW: Type.Number({ description: "latest Power.Active.Import" }),
});

export const Connector = Type.Object({
  id: Type.Integer({ description: "the EVSE (1.6: the connector)" }),
  status: Type.Union([Type.String(), Type.Null()], {
    description: "the latest status it reported, if any",
  }),
  since: Type.Union([Time, Type.Null()], { description: "when it entered that status" }),
  inoperativePlanned: Type.Boolean({
    description: "an accepted ChangeAvailability set it Inoperative",
  }),
  transaction: Type.Union([ActiveTransaction, Type.Null()]),
});

export const ChargePoint = Type.Object(
  {
    id: Type.String(),
    connected: Type.Boolean(),
    gateway: Type.Union([Type.String(), Type.Null()], {
      description: "the gateway holding its newest session",
    }),
    protocol: Type.Union([Type.String(), Type.Null()]),
    vendor: Type.Union([Type.String(), Type.Null()]),
    model: Type.Union([Type.String(), Type.Null()]),
    firmware: Type.Union([Type.String(), Type.Null()]),
    firstSeen: Time,
    lastSeen: Time,
    energyDeliveredWh: Type.Number(),
    transactions: Type.Integer({ description: "transactions ended" }),
    connectors: Type.Array(Connector),
  },
  { additionalProperties: false },
);
export type ChargePointType = Static<typeof ChargePoint>;

export const ChargePointPage = Type.Object({
  items: Type.Array(ChargePoint),
  total: Type.Integer({ description: "charge points that match the filters" }),
  next: Type.Union([Type.String(), Type.Null()], {
    description: "pass as `after` for the next page; null on the last",
  }),
});

export const EndedTransaction = Type.Object({
  transactionId: Type.String(),
  evseId: Type.Union([Type.Integer(), Type.Null()]),
  startedAt: Type.Union([Time, Type.Null()], {
    description: "the charger's time of the start (null while the start is not known)",
  }),
  stoppedAt: Time,
  energyWh: Type.Union([Type.Number(), Type.Null()], {
    description: "from the import register (null while the start is not known)",
  }),
  stopReason: Type.Union([Type.String(), Type.Null()]),
  endedBy: Type.Union([Type.Literal("stop"), Type.Literal("orphaned")], {
    description: "its stop, or its connector moving on without one",
  }),
});
export type EndedTransactionType = Static<typeof EndedTransaction>;

export const TransactionList = Type.Object({
  cpId: Type.String(),
  items: Type.Array(EndedTransaction),
});
