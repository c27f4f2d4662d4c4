import { fileURLToPath } from "node:url";
import { PROJECTED_METRICS } from "@levity/metrics-projector";
import { renderMetricsMarkdown } from "@levity/service-kit";
import { generatedSection } from "@levity/testkit";
import { describe, expect, it } from "vitest";
import { ALERTS, firingExpr } from "../src/alerts/alert-definitions.js";
import { ALL_PANELS } from "../src/dashboard/panels.js";

const README = fileURLToPath(new URL("../README.md", import.meta.url));
const cell = (text: string) => text.replaceAll("|", "\\|");

function panelsTable(): string {
  const rows = ALL_PANELS.map(
    (p) => `| ${p.id} | ${p.title} | ${p.kind} | ${p.description} | \`${cell(p.expr)}\` |`,
  );
  return [
    "| # | panel | type | what it tells you | query |",
    "|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

function alertsTable(): string {
  const rows = ALERTS.map(
    (a) =>
      `| ${a.title} (\`${a.name}\`) | ${a.severity} | \`${cell(firingExpr(a))}\` | ${a.for} | ${a.description} |`,
  );
  return [
    "| alert | severity | fires while | for | meaning |",
    "|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

describe("grafana/README.md (pnpm docs:update regenerates its tables)", () => {
  it("describes every panel with its query", async () => {
    expect(await generatedSection(README, "panels", panelsTable())).toBe(panelsTable());
  });

  it("states every alert's exact condition", async () => {
    expect(await generatedSection(README, "alerts", alertsTable())).toBe(alertsTable());
  });

  it("lists the metrics the projector exports", async () => {
    const table = renderMetricsMarkdown(PROJECTED_METRICS);
    expect(await generatedSection(README, "metrics", table)).toBe(table);
  });
});
