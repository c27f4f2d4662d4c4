import type { Panel, VariableModel } from "@grafana/grafana-foundation-sdk/dashboard";
import { describe, expect, it } from "vitest";
import { buildDashboard, DASHBOARD_UID } from "../src/dashboard/build-dashboard.js";
import { datasourceRef } from "../src/datasource.js";

const dashboard = buildDashboard();
const panels = (dashboard.panels ?? []) as Panel[];
const variables = dashboard.templating?.list ?? [];

const EXPECTED: [string, string][] = [
  ["Central Service Running", "gauge"],
  ["Central Service Resident Memory", "timeseries"],
  ["Connected Charge Points", "stat"],
  ["Active Transactions", "stat"],
  ["Connected Charge Points Over Time (by CP)", "timeseries"],
  ["Active Transactions Over Time (by CP)", "timeseries"],
  ["Number of Boots Over Time (by CP)", "barchart"],
  ["Number of Disconnects Over Time (by CP)", "barchart"],
  ["Number of Errors Over Time (by CP)", "barchart"],
  ["Sum of Measured Current Delivered (by CP)", "timeseries"],
  ["Time Since Last Heartbeat (by CP)", "bargauge"],
  ["Time Since Last Transaction (by CP)", "bargauge"],
  ["Total Reconnects During Transaction (by CP)", "bargauge"],
  ["Sum of Measured Current Delivered (Total System)", "timeseries"],
];

const exprOf = (panel: Panel) => (panel.targets?.[0] as { expr?: string } | undefined)?.expr ?? "";

describe("the OCPP Central System dashboard", () => {
  it("has the 14 panels first and in order, with their titles and types, and stable ids", () => {
    const seed = panels.slice(0, EXPECTED.length);
    expect(seed.map((p) => [p.title, p.type])).toEqual(EXPECTED);
    expect(seed.map((p) => p.id)).toEqual(EXPECTED.map((_, i) => i + 1));
  });

  it("has a commands row below them, then the operator's: energy, power, connectors, transactions, then the automations'", () => {
    expect(panels.slice(EXPECTED.length).map((p) => [p.title, p.type])).toEqual([
      ["Commands", "row"],
      ["Commands by Outcome", "barchart"],
      ["Command Duration p50 / p99 (by action)", "timeseries"],
      ["Commands In Flight", "stat"],
      ["Failed Commands (by action and reason)", "bargauge"],
      ["Energy, Connectors and Transactions", "row"],
      ["Energy Delivered (by CP)", "barchart"],
      ["Energy Delivered in the Last Day (Total)", "timeseries"],
      ["Power Now (by CP and connector)", "timeseries"],
      ["Connectors by Status", "bargauge"],
      ["Faulted or Unavailable Connectors (for how long)", "table"],
      ["Transactions in the Last Day (Total)", "timeseries"],
      ["Transaction Duration, Median (last day)", "timeseries"],
      ["Transaction Energy, Median (last day)", "timeseries"],
      ["Automations", "row"],
      ["Automation Decisions by Outcome", "barchart"],
      ["Quarantined Charge Points", "stat"],
    ]);
    const lowest = Math.max(
      ...panels.slice(0, EXPECTED.length).map((p) => (p.gridPos?.y ?? 0) + (p.gridPos?.h ?? 0)),
    );
    for (const panel of panels.slice(EXPECTED.length))
      expect(panel.gridPos?.y ?? 0, panel.title).toBeGreaterThanOrEqual(lowest);
  });

  it("refers to its datasource only through the DS_PROMETHEUS variable, everywhere", () => {
    for (const panel of panels.filter((p) => p.type !== "row")) {
      expect(panel.datasource, panel.title).toEqual({
        type: "prometheus",
        uid: datasourceRef.uid,
      });
      expect(panel.targets, panel.title).toHaveLength(1);
      expect(panel.targets?.[0]).toMatchObject({
        refId: "A",
        datasource: { uid: datasourceRef.uid },
      });
    }
    expect(variables[0]).toMatchObject({
      type: "datasource",
      name: "DS_PROMETHEUS",
      query: "prometheus",
    });
  });

  it("filters every per-CP panel by a multi-select cp_id variable that defaults to All", () => {
    const cp = variables[1] as VariableModel;
    expect(cp).toMatchObject({
      type: "query",
      name: "cp_id",
      multi: true,
      includeAll: true,
      allValue: ".*",
    });
    expect(cp.current).toEqual({ text: "All", value: "$__all" });
    for (const panel of panels.slice(2, EXPECTED.length))
      expect(exprOf(panel), panel.title).toContain('cp_id=~"$cp_id"');
  });

  it("opens on the last 6 hours, refreshes every 30 s and keeps its uid", () => {
    expect(dashboard.time).toEqual({ from: "now-6h", to: "now" });
    expect(dashboard.refresh).toBe("30s");
    expect(dashboard.uid).toBe(DASHBOARD_UID);
  });

  it("sets units: bytes, amperes, durations", () => {
    const unit = (id: number) => panels[id - 1]?.fieldConfig?.defaults?.unit;
    expect(unit(2)).toBe("bytes");
    expect([unit(10), unit(14)]).toEqual(["amp", "amp"]);
    expect([unit(11), unit(12)]).toEqual(["dtdurations", "dtdurations"]);
  });

  it("shows 0, not No data, when the central service is gone", () => {
    const gauge = panels[0];
    expect(exprOf(gauge as Panel)).toContain("or vector(0)");
    expect(gauge?.fieldConfig?.defaults?.noValue).toBe("0");
    expect(gauge?.fieldConfig?.defaults).toMatchObject({ min: 0, max: 1 });
  });
});
