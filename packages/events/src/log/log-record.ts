import { decodeBatch } from "../batch/batch-codec.js";
import type { LogRecord } from "./event-log.js";

/** Decodes one stored message into the record readers yield. */
export function recordOf(sequence: number, data: Uint8Array): LogRecord {
  const decoded = decodeBatch(data);
  return decoded.ok
    ? { sequence, ok: true, batch: decoded.value }
    : { sequence, ok: false, error: decoded.error };
}
