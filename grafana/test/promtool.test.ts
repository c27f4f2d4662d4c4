import { fileURLToPath } from "node:url";
import { spawnProcess } from "@levity/testkit";
import { describe, expect, it } from "vitest";
import { ALERTS } from "../src/alerts/alert-definitions.js";

const RULES = fileURLToPath(
  new URL("../../deploy/prometheus/rules/ocpp-alerts.yml", import.meta.url),
);
const TESTS = [
  "../../deploy/prometheus/rules/ocpp-alerts.test.yml",
  // Alerts over weeks, evaluated hourly: minute by minute, 40 days take promtool minutes.
  "../../deploy/prometheus/rules/ocpp-alerts.weeks.test.yml",
].map((path) => fileURLToPath(new URL(path, import.meta.url)));

async function promtool(args: string[]) {
  const run = spawnProcess("promtool", args);
  const status = await run.exited;
  if (status.code === -1)
    throw new Error("promtool not found: install prometheus (apt-get install prometheus)");
  return { code: status.code, output: run.output };
}

describe("the Prometheus alerting rules", () => {
  it("pass promtool check rules", async () => {
    const { code, output } = await promtool(["check", "rules", RULES]);
    expect(output).toContain(`SUCCESS: ${ALERTS.length} rules found`);
    expect(code).toBe(0);
  });

  it("pass their promtool unit tests: each fires when it should, stays silent when it should not", async () => {
    const { code, output } = await promtool(["test", "rules", ...TESTS]);
    expect(output).toContain("SUCCESS");
    expect(code).toBe(0);
  }, 120_000);
});
