import { ErrorBody, errorResponses, sendError } from "@levity/api-kit";
import type { CommandOutcome } from "@levity/commands";
import type { Static } from "@sinclair/typebox";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { CommandRecord } from "../commands/command-journal.js";
import type { CommandAnswer, CommandService } from "../commands/command-service.js";
import { hasControlCharacter } from "../connection/handshake.js";
import {
  Accepted,
  CommandBody,
  type CommandHeaders,
  CommandHeaders as CommandHeadersSchema,
  type CommandParams,
  CommandParams as CommandParamsSchema,
  type CommandQuery,
  CommandQuery as CommandQuerySchema,
  CommandStatus,
  type CommandStatusBody,
  type StatusParams,
  StatusParams as StatusParamsSchema,
} from "./command-schemas.js";

/** What the command routes need. */
export interface CommandRoutesOptions {
  readonly commands: CommandService;
  /** Whether a charge point may exist here (in the registry, or any in open mode). */
  readonly knownChargePoint: (cpId: string) => boolean;
  /** --command-timeout, in seconds: the longest an API call may wait. */
  readonly commandTimeoutS: number;
  readonly now: () => number;
}

// The HTTP status of each way a command can fail.
const STATUS_BY_FAILURE: Readonly<Record<string, number>> = {
  offline: 409,
  rejected: 502,
  "invalid-answer": 502,
  "session-closed": 502,
  "timed-out": 504,
  "deadline-passed": 504,
  "queue-full": 429,
  "invalid-request": 422,
};

const MESSAGE_BY_FAILURE: Readonly<Record<string, string>> = {
  offline: "the charge point has no session on any gateway: nothing was sent",
  rejected: "the charge point answered with a CALLERROR",
  "invalid-answer": "the charge point's answer breaks the action's schema",
  "session-closed": "the session ended before the charge point answered",
  "timed-out": "no answer by the deadline: the outcome is unknown, GET the command later",
  "deadline-passed": "the deadline passed before the command could be sent: it was dropped",
  "queue-full": "the charge point already has the most commands waiting: try again later",
  "invalid-request": "the command breaks the schema of the charge point's protocol",
};

const iso = (ms: number) => new Date(ms).toISOString();

/** The command API: send a command to a charge point, and read a command back. */
export function commandRoutes(options: CommandRoutesOptions) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post(
      "/v1/charge-points/:id/commands/:action",
      {
        schema: {
          summary: "Send a command to a charge point and answer with the charger's answer",
          tags: ["commands"],
          params: CommandParamsSchema,
          querystring: CommandQuerySchema,
          headers: CommandHeadersSchema,
          body: CommandBody,
          response: {
            200: CommandStatus,
            202: Accepted,
            ...errorResponses([400, 401, 404, 409, 422, 429, 502, 503, 504]),
          },
        },
      },
      async (request, reply) => {
        const { id, action } = request.params as Static<typeof CommandParams>;
        const query = request.query as Static<typeof CommandQuery>;
        const headers = request.headers as Static<typeof CommandHeaders>;
        if (hasControlCharacter(id))
          return sendError(reply, 400, "bad-identity", "the identity has control characters");
        if (!options.knownChargePoint(id))
          return sendError(reply, 404, "unknown-charge-point", `${id} is not registered`);
        const timeoutS = query.timeout ?? options.commandTimeoutS;
        if (timeoutS > options.commandTimeoutS)
          return sendError(
            reply,
            400,
            "bad-request",
            `timeout must be at most ${options.commandTimeoutS} s (--command-timeout)`,
          );
        let timeoutMs = timeoutS * 1000;
        if (query.deadline !== undefined) {
          const left = Date.parse(query.deadline) - options.now();
          if (!(left > 0))
            return sendError(reply, 422, "deadline-passed", "the deadline is already past");
          timeoutMs = Math.min(timeoutMs, left);
        }
        const answer = await options.commands.send(
          {
            cpId: id,
            action,
            payload: request.body as Record<string, unknown>,
            requestedBy: request.asker,
            idempotencyKey: headers["idempotency-key"],
            timeoutMs,
          },
          { wait: !/\brespond-async\b/i.test(headers.prefer ?? "") },
        );
        return answerWith(reply, answer);
      },
    );

    app.get(
      "/v1/commands/:id",
      {
        schema: {
          summary: "A command's status and outcome, from the stored events",
          tags: ["commands"],
          params: StatusParamsSchema,
          response: { 200: CommandStatus, 401: ErrorBody, 404: ErrorBody },
        },
      },
      async (request, reply) => {
        const { id } = request.params as Static<typeof StatusParams>;
        const command = await options.commands.status(id);
        if (!command) return sendError(reply, 404, "unknown-command", `no command ${id}`);
        return reply.send(statusBody(command, command.outcome));
      },
    );
  };
}

function answerWith(reply: FastifyReply, answer: CommandAnswer): FastifyReply {
  switch (answer.kind) {
    case "unknown-action":
      return sendError(reply, 404, "unknown-action", `not a command of ${answer.protocol}`, {
        protocol: answer.protocol,
      });
    case "wrong-protocol":
      return sendError(
        reply,
        422,
        "wrong-protocol",
        `${answer.action} is not a command of ${answer.protocol}, the protocol the charge point speaks`,
        { protocol: answer.protocol },
      );
    case "invalid-payload":
      return sendError(reply, 422, "invalid-payload", answer.message, {
        protocol: answer.protocol,
        path: answer.path,
      });
    case "key-reused":
      return sendError(
        reply,
        409,
        "idempotency-key-reused",
        "this idempotency key names a command to another charge point or action",
        { commandId: answer.commandId },
      );
    case "accepted":
      reply.header("location", `/v1/commands/${answer.commandId}`);
      return reply.code(202).send({
        commandId: answer.commandId,
        status: "pending",
        location: `/v1/commands/${answer.commandId}`,
      });
    case "unknown":
      return sendError(reply, 504, "timed-out", MESSAGE_BY_FAILURE["timed-out"] ?? "", {
        commandId: answer.commandId,
      });
    case "done": {
      const { outcome, command } = answer;
      if (outcome.outcome === "completed") return reply.send(statusBody(command, outcome));
      return sendError(
        reply,
        STATUS_BY_FAILURE[outcome.reason] ?? 502,
        outcome.reason,
        MESSAGE_BY_FAILURE[outcome.reason] ?? outcome.reason,
        {
          commandId: command.commandId,
          ...(outcome.errorCode === undefined ? {} : { errorCode: outcome.errorCode }),
          ...(outcome.errorDescription === undefined
            ? {}
            : { errorDescription: outcome.errorDescription }),
          ...(outcome.detail === undefined ? {} : { detail: outcome.detail }),
        },
      );
    }
  }
}

function statusBody(
  command: CommandRecord,
  outcome: CommandOutcome | undefined,
): CommandStatusBody {
  const base = {
    commandId: command.commandId,
    cpId: command.cpId,
    action: command.action,
    requestedBy: command.requestedBy,
    requestedAt: iso(command.requestedAt),
  };
  if (!outcome)
    return {
      ...base,
      status: "pending",
      ...(command.deadline === undefined ? {} : { deadline: iso(command.deadline) }),
    };
  if (outcome.outcome === "completed")
    return {
      ...base,
      status: "completed",
      completedAt: iso(outcome.at),
      response: outcome.response,
    };
  return {
    ...base,
    status: "failed",
    completedAt: iso(outcome.at),
    failure: {
      reason: outcome.reason,
      ...(outcome.errorCode === undefined ? {} : { errorCode: outcome.errorCode }),
      ...(outcome.errorDescription === undefined
        ? {}
        : { errorDescription: outcome.errorDescription }),
      ...(outcome.detail === undefined ? {} : { detail: outcome.detail }),
    },
  };
}
