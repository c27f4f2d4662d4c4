import { type Static, Type } from "@sinclair/typebox";
import { NonEmptyText } from "../contract/fields.js";

/** Version of the stored-message wrapper around events. */
export const BATCH_VERSION = 1;
/** Upper bound on events per stored message, whatever the producer's settings. */
export const MAX_EVENTS_PER_BATCH = 10_000;

/**
 * The unit of storage: one stream message holds an ordered batch of events from one producer.
 * `batch` is the producer instance's monotonic commit number (absent for idempotent decisions).
 * Events are validated one by one on read, so the wrapper only checks their count.
 */
export const StoredBatchSchema = Type.Object(
  {
    v: Type.Literal(BATCH_VERSION),
    producer: NonEmptyText(128),
    instance: NonEmptyText(64),
    batch: Type.Optional(Type.Integer({ minimum: 1 })),
    events: Type.Array(Type.Unknown(), { minItems: 1, maxItems: MAX_EVENTS_PER_BATCH }),
  },
  { additionalProperties: false, $id: `levity.batch.v${BATCH_VERSION}` },
);

/** The stored message as read back, before its events are validated. */
export type RawStoredBatch = Static<typeof StoredBatchSchema>;

/** The deterministic message id of a producer instance's batch: a retried commit is deduplicated. */
export function batchMessageId(producer: string, instance: string, batch: number): string {
  return `${producer}/${instance}/${batch}`;
}
