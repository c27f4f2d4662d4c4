import { type TSchema, Type } from "@sinclair/typebox";

// Every string is bounded so that no event, however hostile its source, can grow state without limit.
export const Text = (maxLength = 255) => Type.String({ maxLength });
export const NonEmptyText = (maxLength = 255) => Type.String({ minLength: 1, maxLength });
/** Unix epoch milliseconds. */
export const EpochMs = Type.Integer({ minimum: 0 });
export const ConnectorId = Type.Integer({ minimum: 0, maximum: 65535 });
export const Optional = <T extends TSchema>(schema: T) => Type.Optional(schema);
