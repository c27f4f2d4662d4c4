import { decodeBatch, type LevityEvent } from "@levity/events";

/** Which events of one charge point `levity-admin events` prints. */
export interface HistoryQuery {
  /** The charge point; undefined (`--all`) keeps every event, gateways' too. */
  readonly cpId: string | undefined;
  /** Inclusive bounds on the event's `ts` (unix ms); `until` absent means now and onwards. */
  readonly since: number;
  readonly until: number | undefined;
  /** Event types to keep; empty keeps every type. */
  readonly types: ReadonlySet<string>;
}

/** What a read looked at, printed with `--stats`: the index is what keeps `messagesRead` small. */
export interface HistoryStats {
  /** Index entries read for the charge point. */
  indexEntries: number;
  /** Event-stream messages (or journal lines) read and decoded, or skipped by the prefilter. */
  messagesRead: number;
  /** Of those, the ones whose events were decoded. */
  messagesDecoded: number;
  /** Events printed. */
  events: number;
  /** How the history was found: "index", "index+scan", "scan" or "journal". */
  method: string;
}

export const newStats = (): HistoryStats => ({
  indexEntries: 0,
  messagesRead: 0,
  messagesDecoded: 0,
  events: 0,
  method: "scan",
});

const UNITS_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A time given as a duration before `now` (`90s`, `15m`, `2h`, `7d`) or an ISO 8601 time. */
export function parseTime(text: string, now: number): number | undefined {
  const duration = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text.trim());
  if (duration) return now - Number(duration[1]) * (UNITS_MS[duration[2] as string] as number);
  // Only full dates or date-times: Date.parse alone accepts too much ("1", "March").
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text))
    return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Whether an event is one the query asks for. */
export function matches(event: LevityEvent, query: HistoryQuery): boolean {
  if (query.cpId !== undefined && (!("cpId" in event) || event.cpId !== query.cpId)) return false;
  if (event.ts < query.since) return false;
  if (query.until !== undefined && event.ts > query.until) return false;
  return query.types.size === 0 || query.types.has(event.type);
}

/**
 * The bytes every stored message holding an event of the charge point contains: its id as a JSON
 * string (events are stored as JSON.stringify wrote them). A message without them is skipped
 * undecoded; one with them may still hold none of its events (another field), and is decoded.
 */
export function prefilterBytes(cpId: string | undefined): Buffer {
  return cpId === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(cpId), "utf8");
}

/** Decodes one stored message and emits the events of it the query matches, counting both. */
export function emitMatching(
  data: Uint8Array,
  query: HistoryQuery,
  stats: HistoryStats,
  emit: (event: LevityEvent) => void,
): void {
  stats.messagesDecoded += 1;
  const decoded = decodeBatch(data);
  if (!decoded.ok) return;
  for (const event of decoded.value.events) {
    if (!matches(event, query)) continue;
    stats.events += 1;
    emit(event);
  }
}
