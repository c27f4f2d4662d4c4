import type { AutomationEvent, CommandEvent } from "@levity/events";
import type { AutomationsState, CpAutomations, ProjectionState } from "./projection-state.js";

// Pure updates of what automations decided: each decision counted once by how it ended, the
// charge points a decision holds in quarantine, and when each automation last acted on each one
// (what a daily limit counts). Decisions are events like any other, so every replica and every
// replay holds the same view and the reactors deciding from it agree.

/** How many acting times are remembered per automation and charge point: the most a limit may count. */
export const MAX_ACTED_TIMES = 32;
/** Decisions and commands awaited at once; beyond, the oldest is counted `unsent` and forgotten. */
const MAX_AWAITED = 10_000;
/** A decision whose command was never requested is counted `unsent` this long after its deadline. */
export const UNSENT_AFTER_MS = 60_000;
/** Attempts at a decision's command while each finds the charge point offline (so never sent). */
export const MAX_ATTEMPTS = 5;

/** How a decision ended, as counted. */
export const DECISION_OUTCOMES = ["skipped", "accepted", "rejected", "failed", "unsent"] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

/** The key of an (automation, outcome) count. */
export function decisionOutcomeKey(automation: string, outcome: DecisionOutcome): string {
  return `${automation}\t${outcome}`;
}

const NONE: CpAutomations = { acted: {} };

/** The state after an automation's decision, or an operator clearing what one holds. */
export function automationEvent(state: ProjectionState, event: AutomationEvent): ProjectionState {
  let automations = sweepUnsent(state.automations, event.ts);
  const { automation } = event.payload;
  const cp = automations.cps.get(event.cpId) ?? NONE;
  if (event.type === "automation.cleared") {
    if (cp.quarantine?.automation !== automation) return { ...state, automations };
    const { quarantine: _cleared, ...rest } = cp;
    const released: CpAutomations = {
      ...rest,
      cleared: { automation, at: event.ts, id: event.id },
    };
    return {
      ...state,
      automations: { ...automations, cps: automations.cps.set(event.cpId, released) },
    };
  }
  const { decision, command, quarantine } = event.payload;
  if (decision === "skip" || !command)
    return { ...state, automations: counted(automations, automation, "skipped") };
  const acted = [...actedTimes(cp, automation), event.ts].slice(-MAX_ACTED_TIMES);
  const next: CpAutomations = {
    ...cp,
    acted: { ...cp.acted, [automation]: acted },
    ...(quarantine && !cp.quarantine
      ? { quarantine: { automation, since: event.ts, decision: event.id } }
      : {}),
  };
  automations = {
    ...automations,
    cps: automations.cps.set(event.cpId, next),
    awaiting: automations.awaiting.set(event.id, {
      automation,
      decision: event.id,
      attempt: 1,
      cpId: event.cpId,
      action: command.action,
      request: command.request,
      deadline: command.deadline,
    }),
  };
  if (automations.awaiting.size > MAX_AWAITED) {
    const oldest = automations.awaiting.first();
    automations = counted(
      { ...automations, awaiting: automations.awaiting.rest() },
      oldest?.automation ?? automation,
      "unsent",
    );
  }
  return { ...state, automations };
}

/**
 * Links a command to the decision awaiting its idempotency key, and counts the decision by the
 * command's outcome: accepted (Accepted, Scheduled), rejected (any other answer), or failed. A
 * command that found the charge point offline was never sent: while the decision is in time, it
 * awaits another attempt under a new key (`<decision>#<attempt>`) instead of counting as failed.
 */
export function automationCommand(state: ProjectionState, event: CommandEvent): ProjectionState {
  const automations = sweepUnsent(state.automations, event.ts);
  if (event.type === "command.requested") {
    const key = event.payload.idempotencyKey;
    const awaited = key === undefined ? undefined : automations.awaiting.get(key);
    if (!awaited || key === undefined) return { ...state, automations };
    let commands = automations.commands.set(event.commandId, awaited);
    if (commands.size > MAX_AWAITED) commands = commands.rest();
    return {
      ...state,
      automations: { ...automations, awaiting: automations.awaiting.delete(key), commands },
    };
  }
  const awaited = automations.commands.get(event.commandId);
  if (awaited === undefined) return { ...state, automations };
  const ended = { ...automations, commands: automations.commands.delete(event.commandId) };
  if (event.type === "command.completed")
    return {
      ...state,
      automations: counted(ended, awaited.automation, answerOutcome(event.payload.response)),
    };
  const again =
    event.payload.reason === "offline" &&
    awaited.attempt < MAX_ATTEMPTS &&
    event.ts < awaited.deadline;
  if (!again) return { ...state, automations: counted(ended, awaited.automation, "failed") };
  const attempt = awaited.attempt + 1;
  return {
    ...state,
    automations: {
      ...ended,
      awaiting: ended.awaiting.set(`${awaited.decision}#${attempt}`, { ...awaited, attempt }),
    },
  };
}

/** When `automation` last acted on the charge point (event time, oldest first). */
export function actedTimes(cp: CpAutomations | undefined, automation: string): readonly number[] {
  return cp && Object.hasOwn(cp.acted, automation) ? (cp.acted[automation] ?? []) : [];
}

function answerOutcome(response: Readonly<Record<string, unknown>>): DecisionOutcome {
  return response.status === "Accepted" || response.status === "Scheduled"
    ? "accepted"
    : "rejected";
}

function counted(
  automations: AutomationsState,
  automation: string,
  outcome: DecisionOutcome,
): AutomationsState {
  const key = decisionOutcomeKey(automation, outcome);
  return {
    ...automations,
    outcomes: automations.outcomes.set(key, (automations.outcomes.get(key) ?? 0) + 1),
  };
}

/** Decisions past their deadline by `UNSENT_AFTER_MS` with no command requested: counted `unsent`. */
function sweepUnsent(automations: AutomationsState, now: number): AutomationsState {
  if (automations.awaiting.isEmpty()) return automations;
  let swept = automations;
  for (const [id, awaited] of automations.awaiting) {
    if (now - awaited.deadline <= UNSENT_AFTER_MS) continue;
    swept = counted(
      { ...swept, awaiting: swept.awaiting.delete(id) },
      awaited.automation,
      "unsent",
    );
  }
  return swept;
}
