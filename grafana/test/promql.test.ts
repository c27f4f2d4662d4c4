import { createProjectorMetrics, PROJECTED_METRICS } from "@levity/metrics-projector";
import { parser } from "@prometheus-io/lezer-promql";
import { collectDefaultMetrics, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { ALERTS, firingExpr } from "../src/alerts/alert-definitions.js";
import { ALL_PANELS } from "../src/dashboard/panels.js";

// Grafana substitutes these before a query reaches Prometheus.
const substitute = (expr: string) =>
  expr.replaceAll("$cp_id", ".*").replaceAll("$__interval", "5m");

function parse(expr: string): { errors: number[]; metrics: string[] } {
  const tree = parser.parse(expr);
  const errors: number[] = [];
  const metrics: string[] = [];
  const cursor = tree.cursor();
  do {
    if (cursor.type.isError) errors.push(cursor.from);
    if (cursor.type.name === "VectorSelector") {
      const selector = expr.slice(cursor.from, cursor.to);
      const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(selector)?.[0];
      if (name) metrics.push(name);
    }
  } while (cursor.next());
  return { errors, metrics };
}

function exportedNames(): Set<string> {
  const registry = new Registry();
  createProjectorMetrics(registry);
  collectDefaultMetrics({ register: registry });
  const names = registry.getMetricsAsArray().map((metric) => metric.name);
  const projected = PROJECTED_METRICS.flatMap((metric) =>
    metric.type === "histogram"
      ? [`${metric.name}_bucket`, `${metric.name}_sum`, `${metric.name}_count`]
      : [metric.name],
  );
  return new Set([...names, ...projected]);
}

const queries: [string, string][] = [
  ...ALL_PANELS.map(
    (panel) => [`panel ${panel.id} ${panel.title}`, substitute(panel.expr)] as [string, string],
  ),
  ...ALERTS.map((alert) => [`alert ${alert.name}`, firingExpr(alert)] as [string, string]),
];

describe("every PromQL query of the dashboard and the alerts", () => {
  it.each(queries)("%s parses", (_name, expr) => {
    expect(parse(expr).errors).toEqual([]);
  });

  it.each(queries)("%s reads only metrics the projector exports", (_name, expr) => {
    const exported = exportedNames();
    const { metrics } = parse(expr);
    expect(metrics.length).toBeGreaterThan(0);
    for (const metric of metrics) expect(exported, metric).toContain(metric);
  });

  it("spots a broken query and an unknown metric", () => {
    expect(parse("sum(ocpp_cp_connected").errors.length).toBeGreaterThan(0);
    expect(exportedNames()).not.toContain(parse("ocpp_cp_imaginary").metrics[0]);
  });
});
