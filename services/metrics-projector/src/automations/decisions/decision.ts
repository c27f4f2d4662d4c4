import { createHash } from "node:crypto";
import { EVENT_VERSION, type EventOf } from "@levity/events";
import type { AutomationKind } from "../config/automation-rules.js";

/** A command an automation decided on. */
export interface DecidedCommand {
  readonly action: string;
  readonly request: Record<string, unknown>;
}

/**
 * What an automation decided about one charge point, from the projection alone. Its `id` is
 * derived from what triggered it, so every replica, restart and replay derives the same one.
 */
export interface Decision {
  readonly id: string;
  readonly automation: string;
  readonly kind: AutomationKind;
  readonly cpId: string;
  /** What it decided on, for people. */
  readonly trigger: string;
  /** Past this moment (this projector's clock) it is too late to act: the decision is skipped. */
  readonly deadline: number;
  readonly command: DecidedCommand;
  /** The charge point is held in quarantine by this decision. */
  readonly quarantine?: boolean;
  /** Decided not to act, and why (a limit reached); a decision past its deadline is skipped too. */
  readonly skip?: string;
}

/** How long a command an automation sends may take to be answered. */
export const COMMAND_TIMEOUT_MS = 30_000;

/**
 * The id of a decision: the automation's name and a hash of what triggered it (a charge point's
 * identity may be 255 characters, an event id at most 255), so the same trigger gives the same id.
 */
export function decisionId(automation: string, ...trigger: readonly (string | number)[]): string {
  const hash = createHash("sha256")
    .update(JSON.stringify([automation, ...trigger]))
    .digest("hex");
  return `decision/${automation}/${hash.slice(0, 32)}`;
}

/** Whether the charge point's latest session speaks OCPP 2.0.1 (else 1.6's actions are used). */
export function speaks201(protocol: string | undefined): boolean {
  return protocol === "ocpp2.0.1";
}

// The latest time a Date can hold; an event's time past it (a charger's clock gone wild) is shown in ms.
const MAX_DATE_MS = 8.64e15;

/** A time for people: ISO 8601 in UTC. */
export const iso = (ms: number) =>
  Math.abs(ms) <= MAX_DATE_MS ? new Date(ms).toISOString() : `${ms} ms`;

/**
 * The decision as the event that records it, taken at `now`: skipped when `now` is past its
 * deadline (the projector saw its trigger late: a replay, a restart, a backlog) or when it says
 * so, else acting with its command's deadline.
 */
export function decidedEvent(
  decision: Decision,
  now: number,
  producer: string,
): EventOf<"automation.decided"> {
  const late = now > decision.deadline;
  const reason = decision.skip ?? (late ? "past its deadline when decided" : undefined);
  return {
    id: decision.id,
    type: "automation.decided",
    v: EVENT_VERSION,
    gatewayId: producer,
    cpId: decision.cpId,
    ts: now,
    payload: {
      automation: decision.automation,
      kind: decision.kind,
      trigger: decision.trigger.slice(0, 255),
      ...(reason === undefined
        ? {
            decision: "act" as const,
            command: {
              ...decision.command,
              deadline: now + COMMAND_TIMEOUT_MS,
            },
            ...(decision.quarantine ? { quarantine: true } : {}),
          }
        : { decision: "skip" as const, reason }),
    },
  };
}
