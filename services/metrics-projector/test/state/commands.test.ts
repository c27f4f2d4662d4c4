import type { LevityEvent } from "@levity/events";
import { commandEvent } from "@levity/events/testing";
import { parseMetricsText, sampleValue } from "@levity/testkit";
import { describe, expect, it } from "vitest";
import { renderProjection } from "../../src/metrics/render-projection.js";
import { LOST_AFTER_MS } from "../../src/state/commands.js";
import { evolve } from "../../src/state/evolve.js";
import { EMPTY_STATE } from "../../src/state/projection-state.js";

const T = 1_700_000_000_000;

const requested = (commandId: string, action: string, ts: number, deadline = ts + 30_000) =>
  commandEvent(
    "command.requested",
    { action, request: {}, requestedBy: "ops", deadline },
    { commandId, ts },
  );
const completed = (commandId: string, action: string, ts: number) =>
  commandEvent(
    "command.completed",
    { action, requestedAt: T, requestedBy: "ops", response: { status: "Accepted" } },
    { commandId, ts },
  );
const failed = (commandId: string, action: string, ts: number, reason: "offline" | "timed-out") =>
  commandEvent(
    "command.failed",
    { action, requestedAt: T, requestedBy: "ops", reason },
    { commandId, ts },
  );

async function metricsOf(events: readonly LevityEvent[]) {
  const state = events.reduce(evolve, EMPTY_STATE);
  return { state, metrics: parseMetricsText(await renderProjection({ state, connected: true })) };
}

describe("commands in the projection", () => {
  it("labels the commands of 2.0.1 by their own action, and an action of neither version as other", async () => {
    const { metrics } = await metricsOf([
      requested("v2", "RequestStartTransaction", T),
      completed("v2", "RequestStartTransaction", T + 10),
      requested("x", "Teleport", T + 20),
      completed("x", "Teleport", T + 30),
    ]);
    const total = (action: string) =>
      sampleValue(metrics, "levity_commands_total", { action, outcome: "completed" });
    expect(total("RequestStartTransaction")).toBe(1);
    expect(total("GetVariables")).toBe(0);
    expect(total("other")).toBe(1);
  });

  it("counts each command once by action and outcome, with its duration from the events' times", async () => {
    const { metrics, state } = await metricsOf([
      requested("c1", "Reset", T),
      completed("c1", "Reset", T + 40),
      // The same outcome stored again, and another for the same command: both ignored.
      completed("c1", "Reset", T + 50),
      failed("c1", "Reset", T + 60, "timed-out"),
      requested("c2", "UnlockConnector", T + 100),
      failed("c2", "UnlockConnector", T + 200, "offline"),
      requested("c3", "Reset", T + 300),
    ]);
    const total = (action: string, outcome: string) =>
      sampleValue(metrics, "levity_commands_total", { action, outcome });
    expect(total("Reset", "completed")).toBe(1);
    expect(total("Reset", "timed-out")).toBe(0);
    expect(total("UnlockConnector", "offline")).toBe(1);
    expect(total("GetConfiguration", "completed")).toBe(0);
    expect(sampleValue(metrics, "levity_commands_in_flight")).toBe(1);
    expect(state.commands.inFlight.has("c3")).toBe(true);
    const bucket = (le: string) =>
      sampleValue(metrics, "levity_command_duration_seconds_bucket", { action: "Reset", le });
    expect([bucket("0.025"), bucket("0.05"), bucket("+Inf")]).toEqual([0, 1, 1]);
    expect(sampleValue(metrics, "levity_command_duration_seconds_sum", { action: "Reset" })).toBe(
      0.04,
    );
  });

  it("labels an action it does not know as other, so labels stay bounded", async () => {
    const { metrics } = await metricsOf([
      requested("c1", "MadeUpAction", T),
      completed("c1", "MadeUpAction", T + 1),
    ]);
    expect(
      sampleValue(metrics, "levity_commands_total", { action: "other", outcome: "completed" }),
    ).toBe(1);
  });

  it("counts a command never answered as lost, by event time, a while after its deadline", async () => {
    const later = (ms: number) => requested(`x-${ms}`, "Reset", T + ms, T + ms + 30_000);
    const early = await metricsOf([requested("c1", "Reset", T), later(30_000 + LOST_AFTER_MS)]);
    expect(
      sampleValue(early.metrics, "levity_commands_total", { action: "Reset", outcome: "lost" }),
    ).toBe(0);
    const { metrics, state } = await metricsOf([
      requested("c1", "Reset", T),
      later(30_000 + LOST_AFTER_MS + 60_001),
    ]);
    expect(
      sampleValue(metrics, "levity_commands_total", { action: "Reset", outcome: "lost" }),
    ).toBe(1);
    expect(state.commands.inFlight.has("c1")).toBe(false);
    // An outcome that comes after all is ignored: the command was counted already.
    const after = evolve(state, completed("c1", "Reset", T + 200_000));
    expect(after.commands.outcomes).toEqual(state.commands.outcomes);
  });
});
