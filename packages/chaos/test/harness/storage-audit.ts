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
 * Checks exactly-once storage: every acknowledged call has its events in the stream once, and no
 * call is stored twice. A 1.6 call produces at most one event of each type (a StatusNotification
 * with an errorCode: a status and a fault), each tagged with the call's message id, so a type seen
 * twice for one call means the call was stored twice.
 */
export function auditStorage(
  acknowledged: readonly AcknowledgedCall[],
  events: readonly LevityEvent[],
): StorageAudit {
  const typesStored = new Map<string, Set<string>>();
  const duplicated = new Set<string>();
  for (const event of events) {
    if (!("callId" in event) || event.callId === undefined) continue;
    const id = key(event.cpId, event.callId);
    const types = typesStored.get(id) ?? new Set<string>();
    if (types.has(event.type)) duplicated.add(id);
    typesStored.set(id, types.add(event.type));
  }
  const stored = new Set(typesStored.keys());
  const acked = new Set(acknowledged.map((call) => key(call.cpId, call.messageId)));
  return {
    missing: acknowledged.filter((call) => !stored.has(key(call.cpId, call.messageId))),
    duplicated: [...duplicated],
    storedUnacknowledged: [...stored].filter((id) => !acked.has(id)).length,
  };
}
