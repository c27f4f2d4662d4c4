import { errorResponses, sendError } from "@levity/api-kit";
import { EVENT_VERSION, type EventLog, type EventOf, encodeBatch } from "@levity/events";
import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { CpParams, type CpParamsType } from "../../api/charge-point-schemas.js";
import type { ProjectionState } from "../../state/projection-state.js";
import { decisionKey } from "../runtime/reactor.js";

/** What the quarantine routes read and write. */
export interface QuarantineRoutesOptions {
  readonly state: () => ProjectionState;
  readonly log: EventLog;
  readonly now: () => number;
  /** Who records the clearing: the envelope's gatewayId. */
  readonly producer: string;
}

const Cleared = Type.Object(
  {
    cpId: Type.String(),
    automation: Type.String({ description: "the automation whose quarantine was cleared" }),
    quarantinedAt: Type.String({ format: "date-time" }),
    clearedBy: Type.String({ description: "the name of the API token that cleared it" }),
  },
  { $id: "QuarantineCleared", additionalProperties: false },
);

/**
 * Clearing a quarantine an automation decided: stored as an `automation.cleared` event under a key
 * of its own (one clearing per quarantine, however often it is asked), after which the automation
 * sets the charge point Operative again.
 */
export function quarantineRoutes(options: QuarantineRoutesOptions) {
  return async (app: FastifyInstance): Promise<void> => {
    app.delete<{ Params: CpParamsType }>(
      "/v1/charge-points/:id/quarantine",
      {
        schema: {
          summary: "Clear an automation's quarantine of a charge point: it is set Operative again",
          tags: ["automations"],
          params: CpParams,
          response: { 200: Cleared, ...errorResponses([400, 401, 404, 503]) },
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const quarantine = options.state().automations.cps.get(id)?.quarantine;
        if (!quarantine)
          return sendError(reply, 404, "not-quarantined", `${id} is not held in quarantine`);
        const event: EventOf<"automation.cleared"> = {
          id: `cleared/${quarantine.decision}`,
          type: "automation.cleared",
          v: EVENT_VERSION,
          gatewayId: options.producer,
          cpId: id,
          ts: options.now(),
          payload: { automation: quarantine.automation, by: request.asker },
        };
        try {
          await options.log.appendKeyed(
            decisionKey(event.id),
            {
              producer: options.producer,
              messageId: event.id,
              data: encodeBatch({
                producer: options.producer,
                instance: "operators",
                events: [event],
              }),
            },
            0,
          );
        } catch (error) {
          return sendError(
            reply,
            503,
            "log-unavailable",
            `could not store the clearing: ${(error as Error).message}`,
          );
        }
        const answer: Static<typeof Cleared> = {
          cpId: id,
          automation: quarantine.automation,
          quarantinedAt: new Date(quarantine.since).toISOString(),
          clearedBy: request.asker,
        };
        return answer;
      },
    );
  };
}
