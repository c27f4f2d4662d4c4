import { readFile } from "node:fs/promises";
import type { LevityEvent } from "@levity/events";

/** One line of levity-sim's `--ack-log`: a call the central system answered with a CALLRESULT. */
export interface AcknowledgedCall {
  readonly cpId: string;
  readonly messageId: string;
  readonly action: string;
}

/** Reads levity-sim's acknowledgement log. */
export async function readAckLog(path: string): Promise<AcknowledgedCall[]> {
  const text = await readFile(path, "utf8").catch(() => "");
  return text
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as AcknowledgedCall);
}

/** How the acknowledged calls compare with what the stream holds. */
export interface StorageAudit {
  /** Acknowledged calls with no event in the stream: an acknowledged call was lost. */
  readonly missing: readonly AcknowledgedCall[];
  /** Calls (cpId/messageId) whose events are in the stream more than once. */
  readonly duplicated: readonly string[];
  /** Calls stored but not acknowledged (their answer was an error, or never arrived). */
  readonly storedUnacknowledged: number;
}

const key = (cpId: string, messageId: string) => `${cpId}/${messageId}`;

/**
 * Checks exactly-once storage: every acknowledged call has its event in the stream once, and no
 * call is stored twice. Every 1.6 call produces one event, tagged with the call's message id.
 */
export function auditStorage(
  acknowledged: readonly AcknowledgedCall[],
  events: readonly LevityEvent[],
): StorageAudit {
  const stored = new Map<string, number>();
  for (const event of events) {
    if (!("callId" in event) || event.callId === undefined) continue;
    const id = key(event.cpId, event.callId);
    stored.set(id, (stored.get(id) ?? 0) + 1);
  }
  const acked = new Set(acknowledged.map((call) => key(call.cpId, call.messageId)));
  return {
    missing: acknowledged.filter((call) => !stored.has(key(call.cpId, call.messageId))),
    duplicated: [...stored].filter(([, count]) => count > 1).map(([id]) => id),
    storedUnacknowledged: [...stored.keys()].filter((id) => !acked.has(id)).length,
  };
}
