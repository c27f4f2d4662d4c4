import { errorResponses, sendError } from "@levity/api-kit";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ProjectionState } from "../state/projection-state.js";
import { chargePointPage } from "./charge-point-page.js";
import {
  ChargePoint,
  ChargePointPage,
  CpParams,
  type CpParamsType,
  DEFAULT_PAGE,
  DEFAULT_TRANSACTIONS,
  LIST_QUERY_KEYS,
  ListQuery,
  type ListQueryType,
  TRANSACTIONS_QUERY_KEYS,
  TransactionList,
  TransactionsQuery,
  type TransactionsQueryType,
} from "./charge-point-schemas.js";
import { chargePointView, endedTransactionsView } from "./charge-point-views.js";

/** What the charge-point routes read: the projection's current state, the one /metrics renders. */
export interface ChargePointRoutesOptions {
  readonly state: () => ProjectionState;
}

/**
 * Refuses a query parameter the route does not know (fastify's validator would drop it silently):
 * a misspelt filter must not answer as if it were not there.
 */
function knownQuery(known: ReadonlySet<string>) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const unknown = Object.keys(request.query as object).find((key) => !known.has(key));
    if (unknown !== undefined)
      return sendError(
        reply,
        400,
        "bad-request",
        `unknown query parameter ${unknown}: known are ${[...known].join(", ")}`,
      );
  };
}

/** 404 for an identity the projection holds nothing of. */
function neverSeen(reply: FastifyReply, id: string): FastifyReply {
  return sendError(reply, 404, "unknown-charge-point", `${id} was never seen`);
}

/** The charge-point API: the fleet page by page, one charge point, its latest transactions. */
export function chargePointRoutes(options: ChargePointRoutesOptions) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Querystring: ListQueryType }>(
      "/v1/charge-points",
      {
        schema: {
          summary: "List charge points, filtered, a page at a time, ordered by identity",
          tags: ["charge points"],
          querystring: ListQuery,
          response: { 200: ChargePointPage, ...errorResponses([400, 401]) },
        },
        preValidation: knownQuery(LIST_QUERY_KEYS),
      },
      async (request) => {
        const { limit, after, ...filter } = request.query;
        return chargePointPage(options.state(), {
          limit: limit ?? DEFAULT_PAGE,
          ...(after === undefined ? {} : { after }),
          filter,
        });
      },
    );
    app.get<{ Params: CpParamsType }>(
      "/v1/charge-points/:id",
      {
        schema: {
          summary: "One charge point: its session, identity, connectors and active transactions",
          tags: ["charge points"],
          params: CpParams,
          response: { 200: ChargePoint, ...errorResponses([400, 401, 404]) },
        },
        preValidation: knownQuery(new Set()),
      },
      async (request, reply) => {
        const state = options.state();
        const cp = state.cps.get(request.params.id);
        if (!cp) return neverSeen(reply, request.params.id);
        return chargePointView(state, request.params.id, cp);
      },
    );
    app.get<{ Params: CpParamsType; Querystring: TransactionsQueryType }>(
      "/v1/charge-points/:id/transactions",
      {
        schema: {
          summary: "The latest transactions a charge point ended, latest first",
          tags: ["charge points"],
          params: CpParams,
          querystring: TransactionsQuery,
          response: { 200: TransactionList, ...errorResponses([400, 401, 404]) },
        },
        preValidation: knownQuery(TRANSACTIONS_QUERY_KEYS),
      },
      async (request, reply) => {
        const cp = options.state().cps.get(request.params.id);
        if (!cp) return neverSeen(reply, request.params.id);
        return {
          cpId: request.params.id,
          items: endedTransactionsView(cp, request.query.limit ?? DEFAULT_TRANSACTIONS),
        };
      },
    );
  };
}
