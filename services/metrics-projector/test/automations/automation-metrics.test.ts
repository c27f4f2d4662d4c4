import type { LevityEvent } from "@levity/events";
import { automationEvent, commandEvent } from "@levity/events/testing";
import { parseMetricsText, sampleValue } from "@levity/testkit";
import { describe, expect, it } from "vitest";
import { renderProjection } from "../../src/metrics/render-projection.js";
import { UNSENT_AFTER_MS } from "../../src/state/automations.js";
import { evolve } from "../../src/state/evolve.js";
import { EMPTY_STATE } from "../../src/state/projection-state.js";

const T = 1_700_000_000_000;

const act = (id: string, automation: string, ts: number, quarantine = false) =>
  automationEvent(
    "automation.decided",
    {
      automation,
      kind: "reset-when-faulted",
      trigger: "connector 1 Faulted",
      decision: "act",
      command: { action: "Reset", request: { type: "Soft" }, deadline: ts + 30_000 },
      ...(quarantine ? { quarantine } : {}),
    },
    { id, ts },
  );
const skip = (id: string, automation: string, ts: number) =>
  automationEvent(
    "automation.decided",
    { automation, kind: "reset-when-faulted", trigger: "t", decision: "skip", reason: "late" },
    { id, ts },
  );
const requested = (commandId: string, key: string, ts: number) =>
  commandEvent(
    "command.requested",
    {
      action: "Reset",
      request: {},
      requestedBy: "automations",
      deadline: ts + 30_000,
      idempotencyKey: key,
    },
    { commandId, ts },
  );
const completed = (commandId: string, status: string, ts: number) =>
  commandEvent(
    "command.completed",
    { action: "Reset", requestedAt: T, requestedBy: "automations", response: { status } },
    { commandId, ts },
  );

async function metricsOf(events: readonly LevityEvent[]) {
  const state = events.reduce(evolve, EMPTY_STATE);
  return parseMetricsText(await renderProjection({ state, connected: true }));
}

const decisions = (
  metrics: Awaited<ReturnType<typeof metricsOf>>,
  automation: string,
  outcome: string,
) => sampleValue(metrics, "levity_automation_decisions_total", { automation, outcome });

describe("automation metrics", () => {
  it("counts each decision once, by how it ended: skipped, or its command's outcome", async () => {
    const metrics = await metricsOf([
      skip("d0", "reset", T),
      act("d1", "reset", T),
      requested("c1", "d1", T + 1),
      completed("c1", "Accepted", T + 2),
      completed("c1", "Accepted", T + 3),
      act("d2", "reset", T + 4),
      requested("c2", "d2", T + 5),
      completed("c2", "Rejected", T + 6),
      act("d3", "reset", T + 7),
      requested("c3", "d3", T + 8),
      commandEvent(
        "command.failed",
        { action: "Reset", requestedAt: T, requestedBy: "automations", reason: "timed-out" },
        { commandId: "c3", ts: T + 9 },
      ),
      // An operator's command with some other key is none of the automation's.
      requested("c4", "mine", T + 10),
      completed("c4", "Accepted", T + 11),
    ]);
    expect(decisions(metrics, "reset", "skipped")).toBe(1);
    expect(decisions(metrics, "reset", "accepted")).toBe(1);
    expect(decisions(metrics, "reset", "rejected")).toBe(1);
    expect(decisions(metrics, "reset", "failed")).toBe(1);
    expect(decisions(metrics, "reset", "unsent")).toBe(0);
  });

  it("tries a command that found the charge point offline again under a new key while in time, counting the decision once", async () => {
    const offline = (commandId: string, ts: number) =>
      commandEvent(
        "command.failed",
        { action: "Reset", requestedAt: T, requestedBy: "automations", reason: "offline" },
        { commandId, ts },
      );
    const events = [act("d1", "reset", T), requested("c1", "d1", T + 1), offline("c1", T + 2)];
    const retried = events.reduce(evolve, EMPTY_STATE);
    expect([...retried.automations.awaiting.keys()]).toEqual(["d1#2"]);
    expect(retried.automations.awaiting.get("d1#2")).toMatchObject({ decision: "d1", attempt: 2 });
    const metrics = await metricsOf([
      ...events,
      requested("c2", "d1#2", T + 3),
      completed("c2", "Accepted", T + 4),
    ]);
    expect(decisions(metrics, "reset", "failed")).toBe(0);
    expect(decisions(metrics, "reset", "accepted")).toBe(1);
    // Past the decision's deadline, an offline command is its end.
    const late = await metricsOf([
      act("d2", "reset", T),
      requested("c3", "d2", T + 1),
      offline("c3", T + 30_001),
    ]);
    expect(decisions(late, "reset", "failed")).toBe(1);
  });

  it("counts a decision whose command never came as unsent, once its deadline is well past", async () => {
    const metrics = await metricsOf([
      act("d1", "reset", T),
      skip("d2", "other", T + 30_000 + UNSENT_AFTER_MS + 1),
    ]);
    expect(decisions(metrics, "reset", "unsent")).toBe(1);
  });

  it("shows the charge points held in quarantine, until cleared", async () => {
    const quarantined = [act("d1", "loop", T, true)];
    expect(
      sampleValue(await metricsOf(quarantined), "levity_automation_quarantined", {
        cp_id: "CP-1",
        automation: "loop",
      }),
    ).toBe(1);
    const cleared = await metricsOf([
      ...quarantined,
      automationEvent("automation.cleared", { automation: "loop", by: "ops" }, { ts: T + 1 }),
    ]);
    expect(cleared.samples.filter((s) => s.name === "levity_automation_quarantined")).toEqual([]);
  });
});
