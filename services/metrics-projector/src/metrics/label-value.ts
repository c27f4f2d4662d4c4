const NEEDS_ESCAPE = /[\\"\n]/;

/** A label value as the Prometheus text format writes it: backslash, quote and newline escaped. */
export function labelValue(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
