import type { LevityEvent } from "@levity/events";

// One line per event for a terminal: time (UTC), gateway, type, then the payload's key fields.

const MAX_FIELD = 60;

// Fields holding a time in unix ms (a charger's own timestamps) are shown as UTC times.
const TIME_FIELD = /(^timestamp$|At$)/;

function shown(value: unknown, key = ""): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number" && TIME_FIELD.test(key) && Number.isSafeInteger(value) && value > 0)
    return new Date(value).toISOString();
  if (typeof value === "string")
    return value.length > MAX_FIELD ? `${value.slice(0, MAX_FIELD)}…` : value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.length}]`;
  return undefined;
}

/** The payload's scalar fields as `key=value`, a place as `evse 1/2`, arrays by their length. */
export function payloadSummary(payload: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  if (typeof payload.evseId === "number")
    parts.push(
      `evse ${payload.evseId}${typeof payload.connectorId === "number" ? `/${payload.connectorId}` : ""}`,
    );
  for (const [key, value] of Object.entries(payload)) {
    if (key === "evseId" || key === "connectorId") continue;
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      for (const [inner, innerValue] of Object.entries(value as Record<string, unknown>)) {
        const text = shown(innerValue, inner);
        if (text !== undefined) parts.push(`${key}.${inner}=${text}`);
      }
      continue;
    }
    const text = shown(value, key);
    if (text !== undefined) parts.push(`${key}=${text}`);
  }
  return parts.join(" ");
}

/** One event as a timeline line (no newline). */
export function timelineLine(event: LevityEvent): string {
  const time = new Date(event.ts).toISOString().replace("T", " ");
  const payload = payloadSummary(event.payload as Readonly<Record<string, unknown>>);
  return `${time}  ${event.gatewayId.padEnd(12)}  ${event.type.padEnd(22)}  ${payload}`.trimEnd();
}
