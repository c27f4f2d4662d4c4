import type { CommandEvent } from "@levity/events";
import { OCPP16_COMMAND_ACTIONS, OCPP201_COMMAND_ACTIONS } from "@levity/ocpp";
import { availabilityPlan, availabilityTaken, planned } from "./availability.js";
import {
  type CommandsState,
  emptyHistogram,
  observe,
  type ProjectionState,
} from "./projection-state.js";

// Pure updates of the commands' state: what is in flight, and how each command ended.

/** Upper bounds (seconds) of the command duration histogram's buckets. */
export const COMMAND_DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
] as const;

// Every command of 1.6, then those only 2.0.1 has: the series of 1.6's keep their order.
const ACTIONS: readonly string[] = [
  ...new Set<string>([...OCPP16_COMMAND_ACTIONS, ...OCPP201_COMMAND_ACTIONS]),
];

/** The actions labels may name; any other action is counted as `other`, so labels stay bounded. */
export const COMMAND_ACTIONS: readonly string[] = [...ACTIONS, "other"];

/** A command requested and never answered is counted `lost` this long after its deadline. */
export const LOST_AFTER_MS = 60_000;

const KNOWN = new Set<string>(ACTIONS);
const actionLabel = (action: string) => (KNOWN.has(action) ? action : "other");

/** The key of an (action, outcome) count. */
export function outcomeKey(action: string, outcome: string): string {
  return `${action}\t${outcome}`;
}

/**
 * The state after a command event. A request is in flight until its first outcome; any later
 * outcome of the same command is ignored, so each command is counted once however its outcomes
 * were stored. Requests never answered are swept as `lost`, by event time, once a minute.
 */
export function commandEvent(state: ProjectionState, event: CommandEvent): ProjectionState {
  let commands = sweep(state.commands, event.ts);
  let cps = state.cps;
  if (event.type === "command.requested") {
    if (!commands.inFlight.has(event.commandId)) {
      const availability = availabilityPlan(event.payload.action, event.payload.request);
      commands = {
        ...commands,
        inFlight: commands.inFlight.set(event.commandId, {
          action: actionLabel(event.payload.action),
          requestedAt: event.ts,
          deadline: event.payload.deadline,
          ...(availability ? { availability } : {}),
        }),
      };
    }
  } else {
    const request = commands.inFlight.get(event.commandId);
    const cp = state.cps.get(event.cpId);
    if (
      request?.availability &&
      cp &&
      event.type === "command.completed" &&
      availabilityTaken(event.payload.response)
    )
      cps = cps.set(event.cpId, planned(cp, request.availability));
    if (request) {
      const outcome = event.type === "command.completed" ? "completed" : event.payload.reason;
      commands = {
        ...count(
          { ...commands, inFlight: commands.inFlight.delete(event.commandId) },
          request.action,
          outcome,
        ),
        durations: observeDuration(
          commands.durations,
          request.action,
          Math.max(0, event.ts - request.requestedAt) / 1000,
        ),
      };
    }
  }
  return commands === state.commands && cps === state.cps ? state : { ...state, commands, cps };
}

function count(commands: CommandsState, action: string, outcome: string): CommandsState {
  const key = outcomeKey(action, outcome);
  return {
    ...commands,
    outcomes: commands.outcomes.set(key, (commands.outcomes.get(key) ?? 0) + 1),
  };
}

function observeDuration(
  durations: CommandsState["durations"],
  action: string,
  seconds: number,
): CommandsState["durations"] {
  const known = durations.get(action) ?? emptyHistogram(COMMAND_DURATION_BUCKETS);
  return durations.set(action, observe(known, COMMAND_DURATION_BUCKETS, seconds));
}

/** Counts requests past their deadline by more than `LOST_AFTER_MS` as lost; at most once a minute of event time. */
function sweep(commands: CommandsState, now: number): CommandsState {
  if (now - commands.sweptAt < 60_000) return commands;
  let swept: CommandsState = { ...commands, sweptAt: now };
  for (const [id, request] of commands.inFlight) {
    if (now - request.deadline <= LOST_AFTER_MS) continue;
    swept = count({ ...swept, inFlight: swept.inFlight.delete(id) }, request.action, "lost");
  }
  return swept;
}
