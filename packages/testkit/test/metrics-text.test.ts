import { describe, expect, it } from "vitest";
import { parseMetricsText, sampleValue } from "../src/metrics/metrics-text.js";

describe("parseMetricsText", () => {
  it("reads samples, types, escapes, infinities and timestamps", () => {
    const metrics = parseMetricsText(
      [
        "# HELP ocpp_cp_boots_total Boots.",
        "# TYPE ocpp_cp_boots_total counter",
        'ocpp_cp_boots_total{cp_id="A\\\\B\\"C\\nD"} 2',
        'levity_bucket{le="+Inf",x=""} +Inf 1700000000000',
        "plain 0.5",
        "",
      ].join("\n"),
    );
    expect(metrics.types.get("ocpp_cp_boots_total")).toBe("counter");
    expect(sampleValue(metrics, "ocpp_cp_boots_total", { cp_id: 'A\\B"C\nD' })).toBe(2);
    expect(sampleValue(metrics, "levity_bucket", { le: "+Inf", x: "" })).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(sampleValue(metrics, "plain")).toBe(0.5);
  });

  // The format escapes only backslash, quote and line feed: anything else arrives raw.
  it("keeps a raw carriage return and U+2028 inside a label value", () => {
    const metrics = parseMetricsText('ocpp_cp_connected{cp_id="a\rb\u2028c"} 1\n');
    expect(sampleValue(metrics, "ocpp_cp_connected", { cp_id: "a\rb\u2028c" })).toBe(1);
  });

  it("throws on a malformed line or an escape the format does not have", () => {
    expect(() => parseMetricsText("not a sample line\n")).toThrow(/bad sample line/);
    expect(() => parseMetricsText('x{cp_id="\\t"} 1\n')).toThrow(/bad labels/);
    expect(() => parseMetricsText('x{cp_id="open} 1\n')).toThrow(/bad labels/);
  });
});
