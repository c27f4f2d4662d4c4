import { automationEvent, cpEvent } from "@levity/events/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AutomationRule,
  parseAutomations,
} from "../../src/automations/config/automation-rules.js";
import { decide } from "../../src/automations/decisions/decide.js";
import { decidedEvent } from "../../src/automations/decisions/decision.js";
import { DecisionPass } from "../../src/automations/runtime/decision-pass.js";
import { decodeSnapshot, encodeSnapshot } from "../../src/snapshots/snapshot-codec.js";
import { evolve } from "../../src/state/evolve.js";
import type { ProjectionState } from "../../src/state/projection-state.js";
import { eventsArbitrary } from "../fuzz/arbitraries.js";
import { Scenario } from "../state/scenario.js";

function rules(yaml: string): readonly AutomationRule[] {
  const parsed = parseAutomations(yaml);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

const ALL = rules(`
automations:
  - { name: free-vend, kind: auto-remote-start, idTag: FREE, delay: 1s, chargePoints: ["FREE-*"] }
  - { name: reset, kind: reset-when-faulted, after: 60s, maxPerDay: 2 }
  - { name: loop, kind: quarantine-reboot-loop, boots: 3, window: 10m }
  - { name: orphans, kind: close-orphaned-transactions }
`);

const FREE = { cp: "FREE-1", session: "s1" };
const PLAIN = { cp: "CP-1", session: "s2" };

/** The decisions at `now`, without their ids. */
const decisionsAt = (state: ProjectionState, now: number) =>
  decide(ALL, state, now).map(({ id: _id, ...decision }) => decision);

/** The state after an automation stored `decision`s' events, as the projector folds them. */
function withDecided(state: ProjectionState, now: number): ProjectionState {
  return decide(ALL, state, now)
    .map((decision) => decidedEvent(decision, now, "automations"))
    .reduce(evolve, state);
}

describe("auto-remote-start", () => {
  const plugged = new Scenario().open(FREE).boot(FREE).status(FREE, 1, "Preparing");
  const since = plugged.now;

  it("starts a connector Preparing with no transaction once the delay has passed, and not before", () => {
    const state = plugged.state();
    expect(decide(ALL, state, since + 999)).toEqual([]);
    expect(decisionsAt(state, since + 1_000)).toEqual([
      expect.objectContaining({
        automation: "free-vend",
        cpId: "FREE-1",
        command: { action: "RemoteStartTransaction", request: { connectorId: 1, idTag: "FREE" } },
        deadline: since + 1_000 + 30_000,
      }),
    ]);
  });

  it("gives the same decision id at every tick for one plug-in, and a new one for the next", () => {
    const state = plugged.state();
    const [first] = decide(ALL, state, since + 1_000);
    const [later] = decide(ALL, state, since + 20_000);
    expect(later?.id).toBe(first?.id);
    const replug = new Scenario()
      .at(since + 60_000)
      .status(FREE, 1, "Available")
      .status(FREE, 1, "Preparing");
    const [next] = decide(ALL, replug.state(state), replug.now + 1_000);
    expect(next?.id).toBeDefined();
    expect(next?.id).not.toBe(first?.id);
  });

  it("does nothing once a transaction started, the cable was unplugged, or the charger is offline", () => {
    const started = new Scenario().at(since).start(FREE, 1, "42").state(plugged.state());
    expect(decide(ALL, started, since + 5_000)).toEqual([]);
    const unplugged = new Scenario().at(since).status(FREE, 1, "Available").state(plugged.state());
    expect(decide(ALL, unplugged, since + 5_000)).toEqual([]);
    const offline = new Scenario().at(since).close(FREE).state(plugged.state());
    expect(decide(ALL, offline, since + 5_000)).toEqual([]);
  });

  it("applies only to the charge points the rule selects", () => {
    const state = new Scenario().open(PLAIN).boot(PLAIN).status(PLAIN, 1, "Preparing").state();
    expect(decide(ALL, state, Date.UTC(2030, 0))).toEqual([]);
  });

  it("asks a 2.0.1 station, whose plugged-in connector is Occupied, with RequestStartTransaction and a remoteStartId that stays the same", () => {
    const context = { cpId: "FREE-1", sessionId: "s9", ts: since };
    const state = [
      cpEvent("session.opened", { protocol: "ocpp2.0.1", instance: "a1" }, context),
      cpEvent("cp.status", { evseId: 1, connectorId: 1, status: "Occupied" }, context),
    ].reduce(evolve, new Scenario().state());
    const [first] = decide(ALL, state, since + 2_000);
    const [again] = decide(ALL, state, since + 3_000);
    expect(first?.command).toEqual({
      action: "RequestStartTransaction",
      request: {
        evseId: 1,
        remoteStartId: expect.any(Number),
        idToken: { idToken: "FREE", type: "Central" },
      },
    });
    expect(again?.command).toEqual(first?.command);
  });
});

describe("reset-when-faulted", () => {
  const faulted = new Scenario()
    .open(PLAIN)
    .boot(PLAIN)
    .status(PLAIN, 1, "Faulted", "GroundFailure");
  const since = faulted.state().cps.get("CP-1")?.connectors["1"]?.statusSince ?? 0;

  it("soft-resets a charger Faulted for `after`, once per fault", () => {
    expect(decide(ALL, faulted.state(), since + 59_999)).toEqual([]);
    expect(decisionsAt(faulted.state(), since + 60_000)).toEqual([
      expect.objectContaining({
        automation: "reset",
        command: { action: "Reset", request: { type: "Soft" } },
      }),
    ]);
  });

  it("never during a transaction", () => {
    const charging = new Scenario()
      .open(PLAIN)
      .boot(PLAIN)
      .start(PLAIN, 2, "7")
      .status(PLAIN, 1, "Faulted", "GroundFailure");
    expect(decide(ALL, charging.state(), charging.now + 3_600_000)).toEqual([]);
  });

  it("records the reset beyond maxPerDay as skipped, and resets again a day later", () => {
    let state = faulted.state();
    let now = since;
    for (let fault = 0; fault < 3; fault++) {
      now += 60_000;
      state = withDecided(state, now);
      const refault = new Scenario()
        .at(now)
        .status(PLAIN, 1, "Available")
        .status(PLAIN, 1, "Faulted", "GroundFailure");
      state = refault.state(state);
      now = refault.now;
    }
    const [third] = decide(ALL, state, now + 60_000);
    expect(third?.skip).toBe("reset 2 times in the last 24 hours (maxPerDay 2)");
    const [tomorrow] = decide(ALL, state, now + 86_400_000);
    expect(tomorrow?.skip).toBeUndefined();
  });
});

describe("quarantine-reboot-loop", () => {
  const looping = (boots: number) => {
    const scenario = new Scenario().open(PLAIN);
    for (let i = 0; i < boots; i++) scenario.boot(PLAIN);
    return scenario;
  };

  it("quarantines a charger booting more than `boots` times within the window", () => {
    expect(decide(ALL, looping(3).state(), looping(3).now)).toEqual([]);
    const loop = looping(4);
    expect(decisionsAt(loop.state(), loop.now)).toEqual([
      expect.objectContaining({
        automation: "loop",
        quarantine: true,
        command: { action: "ChangeAvailability", request: { connectorId: 0, type: "Inoperative" } },
      }),
    ]);
  });

  it("holds it until cleared, then sets it Operative once; only a new boot quarantines it again", () => {
    const loop = looping(4);
    const [quarantine] = decide(ALL, loop.state(), loop.now);
    const quarantined = withDecided(loop.state(), loop.now);
    expect(quarantined.automations.cps.get("CP-1")?.quarantine?.automation).toBe("loop");
    expect(decide(ALL, quarantined, loop.now + 2_000)).toEqual([]);
    const cleared = evolve(
      quarantined,
      automationEvent(
        "automation.cleared",
        { automation: "loop", by: "ops" },
        { cpId: "CP-1", ts: loop.now + 5_000 },
      ),
    );
    const [release, again] = decide(ALL, cleared, loop.now + 6_000);
    expect(release?.command).toEqual({
      action: "ChangeAvailability",
      request: { connectorId: 0, type: "Operative" },
    });
    // The same boots give the same decision, already stored: the runtime sends nothing for it.
    expect(again?.id).toBe(quarantine?.id);
    const rebooted = new Scenario()
      .at(loop.now + 10_000)
      .boot(PLAIN)
      .state(cleared);
    const [, next] = decide(ALL, rebooted, loop.now + 12_000);
    expect(next).toMatchObject({ quarantine: true });
    expect(next?.id).not.toBe(quarantine?.id);
  });
});

describe("close-orphaned-transactions", () => {
  it("asks the charger for the status of a connector whose transaction was orphaned", () => {
    const orphaned = new Scenario()
      .open(PLAIN)
      .boot(PLAIN)
      .start(PLAIN, 1, "1")
      .status(PLAIN, 1, "Available");
    expect(decisionsAt(orphaned.state(), orphaned.now + 1_000)).toEqual([
      expect.objectContaining({
        automation: "orphans",
        command: {
          action: "TriggerMessage",
          request: { requestedMessage: "StatusNotification", connectorId: 1 },
        },
      }),
    ]);
  });
});

describe("decisions, over any events", () => {
  it("are the same from a state restored from its snapshot: a restart decides what the running one did", async () => {
    await fc.assert(
      fc.asyncProperty(
        eventsArbitrary(),
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        async (events, now) => {
          const state = events.reduce(evolve, new Scenario().state());
          const decoded = await decodeSnapshot(
            await encodeSnapshot({ sequence: 1, takenAt: 0, state }),
          );
          if (!decoded.ok) return expect.fail(decoded.reason);
          expect(decide(ALL, decoded.snapshot.state, now)).toEqual(decide(ALL, state, now));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("are each recorded once: a stored decision is never decided again under another id", () => {
    fc.assert(
      fc.property(
        eventsArbitrary(),
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        (events, now) => {
          const state = events.reduce(evolve, new Scenario().state());
          const ids = decide(ALL, state, now).map((decision) => decision.id);
          expect(new Set(ids).size).toBe(ids.length);
          const after = withDecided(state, now);
          const again = decide(ALL, after, now).map((decision) => decision.id);
          expect(again.filter((id) => !ids.includes(id))).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("the decision pass the reactor runs", () => {
  it("decides what decide() does at every tick, while skipping the charge points found quiet", async () => {
    await fc.assert(
      fc.asyncProperty(
        eventsArbitrary(),
        fc.array(fc.integer({ min: 0, max: 120_000 }), { minLength: 1, maxLength: 6 }),
        async (events, steps) => {
          const pass = new DecisionPass();
          let state = new Scenario().state();
          let now = 1_700_000_000_000;
          const chunk = Math.max(1, Math.ceil(events.length / steps.length));
          for (const [index, step] of steps.entries()) {
            state = events.slice(index * chunk, (index + 1) * chunk).reduce(evolve, state);
            now += step;
            expect(await pass.run(ALL, state, now)).toEqual(decide(ALL, state, now));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
