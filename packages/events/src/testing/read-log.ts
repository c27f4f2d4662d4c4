import type { LevityEvent } from "../contract/events.js";
import type { EventLog, LogRecord } from "../log/event-log.js";

/** Every record stored in `log` right now, in order. */
export async function readRecords(log: EventLog): Promise<LogRecord[]> {
  const last = await log.lastSequence();
  const records: LogRecord[] = [];
  if (last === 0) return records;
  const reader = log.read(1);
  for await (const record of reader) {
    records.push(record);
    if (record.sequence >= last) break;
  }
  await reader.close();
  return records;
}

/** Every valid event stored in `log` right now, in order. */
export async function readEvents(log: EventLog): Promise<LevityEvent[]> {
  return (await readRecords(log)).flatMap((record) => (record.ok ? record.batch.events : []));
}
