import { setMaxListeners } from "node:events";
import { sleep } from "../behaviour/abortable-sleep.js";
import {
  type ChargePointProfile,
  SimulatedChargePoint,
} from "../charge-point/simulated-charge-point.js";
import type { SimulationContext } from "../charge-point/simulation-context.js";
import { type ProtocolChoice, protocolOf } from "../protocol/sim-protocol.js";
import { SeededRandom } from "../random/seeded-random.js";
import { Absence } from "./absence.js";
import { obeyInScenario } from "./scenario-obedience.js";
import { reconnectInScenario } from "./scenario-reconnection.js";
import { durationMs, type Scenario, type ScenarioStep } from "./scenario-schema.js";

const ALL_16: ProtocolChoice = { protocol: "ocpp1.6", protocolMix: undefined };

/**
 * Plays each charge point's timeline of a scenario, all charge points at once; the n-th charge
 * point of the file speaks the protocol `choice` gives the n-th of a fleet, and starts at the n-th
 * URL of a failover list (modulo its length). Each obeys the central system's commands and
 * reconnects by itself when its connection is lost, until its timeline ends; a step waits for a
 * reset or a reconnection under way to be over.
 */
export async function runScenario(
  scenario: Scenario,
  context: SimulationContext,
  seed: number,
  stop: AbortSignal,
  choice: ProtocolChoice = ALL_16,
): Promise<void> {
  // Every charge point's timers listen to the same stop signal.
  setMaxListeners(0, stop);
  const random = new SeededRandom(seed);
  await Promise.all(
    scenario.chargePoints.map(async (definition, index) => {
      const profile: ChargePointProfile = {
        id: definition.id,
        connectors: definition.connectors ?? 1,
        vendor: definition.vendor ?? "Levity",
        model: definition.model ?? "Simulated",
        firmware: definition.firmware ?? "1.0.0",
      };
      const own = random.fork(index);
      const cp = new SimulatedChargePoint(
        profile,
        context,
        own,
        60,
        protocolOf(index, seed, choice),
        index,
      );
      if (definition.after !== undefined && !(await sleep(durationMs(definition.after), stop)))
        return;
      // What the commands started (a session, a reset's reconnection) and the reconnection after
      // a lost connection end with the timeline.
      const timeline = new AbortController();
      const lifetime = AbortSignal.any([stop, timeline.signal]);
      const absence = new Absence();
      obeyInScenario(cp, own.fork(1), absence, lifetime);
      reconnectInScenario(cp, own.fork(2), absence, context.stats, lifetime);
      for (const step of definition.steps) {
        await absence.over();
        if (stop.aborted) break;
        await play(cp, step, stop);
      }
      timeline.abort();
      await absence.over();
      await cp.disconnect();
    }),
  );
}

async function play(
  cp: SimulatedChargePoint,
  step: ScenarioStep,
  stop: AbortSignal,
): Promise<void> {
  if (typeof step === "string") {
    switch (step) {
      case "connect":
        await cp.connect();
        return;
      case "boot":
        await cp.boot();
        return;
      case "heartbeat":
        await cp.heartbeat();
        return;
      case "drop":
        await cp.drop();
        return;
      case "disconnect":
        await cp.disconnect();
        return;
      case "reboot":
        // Power cycle: the connection drops, the charge point comes back and boots; open
        // transactions are not stopped (the central system must cope with that).
        await cp.drop();
        cp.sessions.clear();
        await cp.connect();
        await cp.boot();
        return;
    }
  }
  if ("wait" in step) await sleep(durationMs(step.wait), stop);
  else if ("status" in step) {
    const { connector, status, errorCode } = step.status;
    await cp.status(connector, status, {
      evenIfUnchanged: true,
      ...(errorCode !== undefined ? { errorCode } : {}),
    });
  } else if ("authorize" in step) await cp.authorize(step.authorize.idTag);
  else if ("start" in step)
    await cp.startTransaction(
      step.start.connector,
      step.start.idTag ?? "SCENARIO",
      step.start.currentA ?? 16,
    );
  else if ("stop" in step) await cp.stopTransaction(step.stop.connector, step.stop.reason);
  else if ("fault" in step) await cp.fault(step.fault.connector, step.fault.errorCode);
  else if ("call" in step)
    await cp.call(step.call.action, step.call.payload, step.call.expectError ?? false);
  else if ("meter" in step) {
    const count = step.meter.count ?? 1;
    for (let i = 0; i < count; i++) {
      if (i > 0 && !(await sleep(durationMs(step.meter.every ?? "1s"), stop))) return;
      await cp.meterValues(step.meter.connector);
    }
  }
}
