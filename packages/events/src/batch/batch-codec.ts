import { Ajv } from "ajv";
import type { LevityEvent } from "../contract/events.js";
import { type ContractViolation, readEvent } from "../contract/validate-event.js";
import { err, ok, type Result } from "../result.js";
import { BATCH_VERSION, type RawStoredBatch, StoredBatchSchema } from "./stored-batch.js";

/** Who stored a batch: the producer (a gateway id, or the projector), its instance and commit number. */
export interface BatchOrigin {
  readonly producer: string;
  readonly instance: string;
  readonly batch?: number;
}

/** A batch of valid events ready to store. */
export interface EventBatch extends BatchOrigin {
  readonly events: readonly LevityEvent[];
}

/**
 * A batch as read back: its valid events in order, upcast to the current version, and each stored
 * event that broke its version's contract (by its index in the stored batch).
 */
export interface DecodedBatch {
  readonly producer: string;
  readonly instance: string;
  readonly batch: number | undefined;
  readonly events: readonly LevityEvent[];
  readonly rejected: readonly { readonly index: number; readonly violation: ContractViolation }[];
}

const validateBatch = new Ajv({ strict: true }).compile<RawStoredBatch>(StoredBatchSchema);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Serialises a batch from events already serialised one by one: the gateway's group commit
 * serialises each event once, when it is made, and joins them here without parsing them again.
 */
export function encodeBatchOfJson(origin: BatchOrigin, eventsJson: readonly string[]): Uint8Array {
  const batchField = origin.batch === undefined ? "" : `,"batch":${origin.batch}`;
  return encoder.encode(
    `{"v":${BATCH_VERSION},"producer":${JSON.stringify(origin.producer)},` +
      `"instance":${JSON.stringify(origin.instance)}${batchField},"events":[${eventsJson.join(",")}]}`,
  );
}

/** Serialises a batch into the bytes of one stream message. */
export function encodeBatch(batch: EventBatch): Uint8Array {
  return encodeBatchOfJson(
    batch,
    batch.events.map((event) => JSON.stringify(event)),
  );
}

/** Parses one stream message; a malformed wrapper is an error, a malformed event is reported and skipped. */
export function decodeBatch(data: Uint8Array): Result<DecodedBatch, string> {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(data));
  } catch {
    return err("message is not JSON");
  }
  if (!validateBatch(value)) {
    const first = validateBatch.errors?.[0];
    return err(`not a stored batch: ${first?.instancePath ?? ""} ${first?.message ?? ""}`.trim());
  }
  const events: LevityEvent[] = [];
  const rejected: { index: number; violation: ContractViolation }[] = [];
  value.events.forEach((candidate, index) => {
    const checked = readEvent(candidate);
    if (checked.ok) events.push(...checked.value);
    else rejected.push({ index, violation: checked.error });
  });
  return ok({
    producer: value.producer,
    instance: value.instance,
    batch: value.batch,
    events,
    rejected,
  });
}
