import { parseMetricsText, sampleValue } from "@levity/testkit";
import { describe, expect, it } from "vitest";
import { CP_FAMILIES, PROJECTED_METRICS } from "../../src/metrics/projected-metrics.js";
import { renderProjection } from "../../src/metrics/render-projection.js";
import { Scenario } from "../state/scenario.js";

describe("renderProjection", () => {
  it("escapes hostile identities and label values so the exposition stays parseable", async () => {
    const cp = 'CP "1" \\ with\nnewline';
    const state = new Scenario()
      .open({ cp, session: "s1" })
      .status({ cp, session: "s1" }, 1, "Faulted", 'Vendor"Err')
      .state();
    const metrics = parseMetricsText(await renderProjection({ state, connected: true }));
    expect(sampleValue(metrics, "ocpp_cp_connected", { cp_id: cp })).toBe(1);
    expect(
      sampleValue(metrics, "ocpp_cp_errors_total", { cp_id: cp, error_type: 'Vendor"Err' }),
    ).toBe(1);
  });

  it("declares every family once with its type, fleet-wide families first", async () => {
    const state = new Scenario().alive("gw-a", "a1").open({ cp: "CP-1", session: "s1" }).state();
    const metrics = parseMetricsText(await renderProjection({ state, connected: true }));
    for (const family of PROJECTED_METRICS)
      expect(metrics.types.get(family.name), family.name).toBe(family.type);
    expect(new Set(PROJECTED_METRICS.map((m) => m.name)).size).toBe(PROJECTED_METRICS.length);
  });

  it("renders a large fleet completely across several event-loop turns", async () => {
    const scenario = new Scenario();
    for (let i = 0; i < 3_000; i++) scenario.open({ cp: `CP-${i}`, session: `s${i}` });
    const state = scenario.state();
    let turns = 0;
    const counter = setInterval(() => turns++, 0);
    const text = await renderProjection({ state, connected: true });
    clearInterval(counter);
    const metrics = parseMetricsText(text);
    expect(metrics.samples.filter((s) => s.name === "ocpp_cp_connected")).toHaveLength(3_000);
    expect(turns).toBeGreaterThan(0);
    expect(CP_FAMILIES.length).toBeGreaterThan(10);
  });
});
