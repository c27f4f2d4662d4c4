import { readFile } from "node:fs/promises";
import { parseMetricsText, sampleValue } from "@levity/testkit";
import { describe, expect, it } from "vitest";
import { replayJournal, V1_METRICS, V1_STREAM } from "./replay-fixture.js";

/**
 * Every series, type and value as they were recorded: help texts may be reworded, and
 * `ocpp_cp_info`'s `protocol` label (added with 2.0.1) is checked on its own.
 */
function withoutHelp(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => !line.startsWith("# HELP "))
    .map((line) => line.replace(/^(ocpp_cp_info\{.*),protocol="[^"]*"\}/, "$1}"));
}

/** The family a line of the exposition belongs to (histogram series by their base name). */
function familyOf(line: string): string {
  const name = line.startsWith("# TYPE ")
    ? (line.split(" ")[2] ?? "")
    : (line.split(/[{ ]/)[0] ?? "");
  return name.replace(/_(bucket|sum|count)$/, "");
}

describe("a stream recorded before event v2", () => {
  it("replays to the metrics it had when it was recorded, every event accepted", async () => {
    const { metrics, rejected } = await replayJournal(V1_STREAM);
    expect(rejected).toBe(0);
    const info = metrics.split("\n").filter((line) => line.startsWith("ocpp_cp_info{"));
    expect(info.length).toBeGreaterThan(0);
    for (const line of info) expect(line).toContain(',protocol="ocpp1.6"}');
    const recorded = withoutHelp(await readFile(V1_METRICS, "utf8"));
    const replayed = withoutHelp(metrics);
    // Every series recorded, with its value. What is new since: families added later (energy,
    // transactions), and in the families recorded only series created at 0 (the commands only
    // 2.0.1 has).
    expect(replayed.filter((line) => recorded.includes(line))).toEqual(recorded);
    const families = new Set(recorded.map(familyOf));
    const added = replayed.filter((line) => !recorded.includes(line));
    expect(added.filter((line) => families.has(familyOf(line)) && !line.endsWith(" 0"))).toEqual(
      [],
    );
  });

  it("holds the facts the replay is meant to prove: faults, transactions, reconnects and commands", async () => {
    const metrics = parseMetricsText(await readFile(V1_METRICS, "utf8"));
    expect(
      sampleValue(metrics, "ocpp_cp_errors_total", { cp_id: "V1-4", error_type: "GroundFailure" }),
    ).toBe(1);
    expect(sampleValue(metrics, "ocpp_cp_reconnect_during_tx_total", { cp_id: "V1-3" })).toBe(2);
    expect(sampleValue(metrics, "ocpp_tx_active", { cp_id: "V1-3", connector_id: "2" })).toBe(1);
    expect(sampleValue(metrics, "ocpp_cp_boots_during_tx_total", { cp_id: "V1-6" })).toBe(1);
    expect(sampleValue(metrics, "levity_projector_transactions_orphaned_total")).toBe(1);
    expect(
      sampleValue(metrics, "levity_commands_total", { action: "Reset", outcome: "offline" }),
    ).toBe(1);
  });
});
