import type { Registry } from "prom-client";

/** A metric family as documentation lists it. */
export interface MetricDescription {
  readonly name: string;
  readonly type: string;
  readonly help: string;
  readonly labels: readonly string[];
}

/** The families registered in a prom-client registry, in registration order. */
export function describeRegistry(registry: Registry): MetricDescription[] {
  return registry.getMetricsAsArray().map((metric) => {
    const labelNames = (metric as { labelNames?: unknown }).labelNames;
    return {
      name: metric.name,
      type: String(metric.type),
      help: metric.help,
      labels: Array.isArray(labelNames) ? labelNames.map(String) : [],
    };
  });
}

/** A Markdown table of metric families: name, type, labels, meaning. */
export function renderMetricsMarkdown(metrics: readonly MetricDescription[]): string {
  const rows = metrics.map((metric) => {
    const labels =
      metric.labels.length > 0 ? metric.labels.map((label) => `\`${label}\``).join(", ") : "";
    return `| \`${metric.name}\` | ${metric.type} | ${labels} | ${metric.help} |`;
  });
  return ["| metric | type | labels | meaning |", "|---|---|---|---|", ...rows].join("\n");
}
