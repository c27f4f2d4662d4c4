import { type TSchema, Type } from "@sinclair/typebox";

// Every string is bounded so that no event, however hostile its source, can grow state without limit.
export const Text = (maxLength = 255) => Type.String({ maxLength });
export const NonEmptyText = (maxLength = 255) => Type.String({ minLength: 1, maxLength });
/** Unix epoch milliseconds. */
export const EpochMs = Type.Integer({ minimum: 0 });
export const ConnectorId = Type.Integer({ minimum: 0, maximum: 65535 });
/** An EVSE of a charge point; 0 is the charge point as a whole (1.6's connector 0). */
export const EvseId = Type.Integer({ minimum: 0, maximum: 65535 });
/** A connector of an EVSE, numbered from 1 on each EVSE. */
export const EvseConnectorId = Type.Integer({ minimum: 1, maximum: 65535 });
export const Optional = <T extends TSchema>(schema: T) => Type.Optional(schema);
