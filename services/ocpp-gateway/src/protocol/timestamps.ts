/** Unix milliseconds of an RFC 3339 time the schema already checked; times before 1970 become 0. */
export function epochMs(timestamp: string): number {
  return Math.max(0, Date.parse(timestamp));
}

/** The ISO 8601 text OCPP uses for a unix-millisecond time. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
