import { COMMAND_FAILURES } from "@levity/events";
import { type Static, Type } from "@sinclair/typebox";

// The shapes of the command API's requests and answers: the routes validate against them and the
// OpenAPI document (docs/openapi.json) is generated from them.

const OcppPayload = Type.Record(Type.String(), Type.Unknown(), {
  description: "an OCPP payload, as the action's JSON schema defines it",
});

export const CommandStatus = Type.Object(
  {
    commandId: Type.String(),
    cpId: Type.String(),
    action: Type.String(),
    requestedBy: Type.String({ description: "the name of the API token that asked" }),
    requestedAt: Type.String({ format: "date-time" }),
    status: Type.Union(
      [Type.Literal("pending"), Type.Literal("completed"), Type.Literal("failed")],
      { description: "pending until its outcome is stored" },
    ),
    deadline: Type.Optional(Type.String({ format: "date-time" })),
    completedAt: Type.Optional(Type.String({ format: "date-time" })),
    response: Type.Optional(OcppPayload),
    failure: Type.Optional(
      Type.Object(
        {
          reason: Type.Union(COMMAND_FAILURES.map((r) => Type.Literal(r))),
          errorCode: Type.Optional(Type.String()),
          errorDescription: Type.Optional(Type.String()),
          detail: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { $id: "CommandStatus", additionalProperties: false },
);

export const Accepted = Type.Object(
  {
    commandId: Type.String(),
    status: Type.Literal("pending"),
    location: Type.String({ description: "where its status will be" }),
  },
  { $id: "Accepted", additionalProperties: false },
);

export const CommandParams = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 255, description: "the charge point's identity" }),
    action: Type.String({ minLength: 1, maxLength: 64, description: "an OCPP action, e.g. Reset" }),
  },
  { additionalProperties: false },
);

export const CommandQuery = Type.Object(
  {
    timeout: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: "seconds to wait for the answer, at most --command-timeout",
      }),
    ),
    deadline: Type.Optional(
      Type.String({
        format: "date-time",
        description: "the moment after which the command must not be sent nor waited for",
      }),
    ),
  },
  { additionalProperties: false },
);

export const CommandHeaders = Type.Object({
  "idempotency-key": Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description:
        "the same key (per token) returns the same command's outcome, never sending twice",
    }),
  ),
  prefer: Type.Optional(
    Type.String({ description: "respond-async: answer 202 at once with the command id" }),
  ),
});

export const StatusParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64, description: "a command id" }) },
  { additionalProperties: false },
);

export const CommandBody = Type.Record(Type.String(), Type.Unknown(), {
  description: 'the OCPP payload of the action, e.g. {"type":"Soft"} for Reset',
});

export type CommandStatusBody = Static<typeof CommandStatus>;
