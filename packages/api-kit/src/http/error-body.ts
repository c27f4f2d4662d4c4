import { type Static, Type } from "@sinclair/typebox";

/** Every refusal of the API: a stable code, a message for a person, and what the feature adds. */
export const ErrorBody = Type.Object(
  {
    error: Type.String({
      description: "a stable code: bad-request, not-found, unknown-action, offline, timed-out, ...",
    }),
    message: Type.String({ description: "what went wrong, for a person" }),
    commandId: Type.Optional(Type.String()),
    protocol: Type.Optional(Type.String()),
    path: Type.Optional(Type.String({ description: "JSON pointer of the invalid field" })),
    errorCode: Type.Optional(Type.String({ description: "the charge point's CALLERROR code" })),
    errorDescription: Type.Optional(Type.String()),
    detail: Type.Optional(Type.String()),
  },
  { $id: "Error", additionalProperties: false },
);

export type ErrorBodyType = Static<typeof ErrorBody>;

/** The error answers of a route, by status: each is an `Error` body. */
export function errorResponses(statuses: readonly number[]): Record<number, typeof ErrorBody> {
  return Object.fromEntries(statuses.map((status) => [status, ErrorBody]));
}
