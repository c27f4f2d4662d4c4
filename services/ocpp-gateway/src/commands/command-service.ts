import { createHash, randomUUID } from "node:crypto";
import type {
  CommandOutcome,
  CommandRoute,
  Delivery,
  RoutedCommand,
  SessionOwner,
} from "@levity/commands";
import type { OcppProtocol } from "@levity/ocpp";
import type { Logger } from "@levity/service-kit";
import { HANDLERS_BY_SUBPROTOCOL } from "../protocol/protocol-handlers.js";
import type { CommandJournal, CommandRecord, StoredRequest } from "./command-journal.js";

/** A command someone asked for. */
export interface CommandAsked {
  readonly cpId: string;
  readonly action: string;
  readonly payload: Record<string, unknown>;
  /** The API token's name (or the automation's): who asked, in the audit trail. */
  readonly requestedBy: string;
  /** The same key from the same asker names the same command, sent at most once. */
  readonly idempotencyKey: string | undefined;
  /** How long the command may take, from now, to be answered. */
  readonly timeoutMs: number;
}

/** What became of asking. */
export type CommandAnswer =
  /** No protocol the gateways serve has the action. */
  | { readonly kind: "unknown-action"; readonly protocol: string }
  /** The action is another protocol's, not that of the charge point's session. */
  | { readonly kind: "wrong-protocol"; readonly protocol: string; readonly action: string }
  | {
      readonly kind: "invalid-payload";
      readonly protocol: string;
      readonly message: string;
      readonly path: string;
    }
  /** The idempotency key already names a command to another charge point or action. */
  | { readonly kind: "key-reused"; readonly commandId: string }
  /** Stored, and on its way (asked not to wait). */
  | { readonly kind: "accepted"; readonly commandId: string }
  /** Its outcome, as stored. */
  | { readonly kind: "done"; readonly command: CommandRecord; readonly outcome: CommandOutcome }
  /** No outcome is known yet, past the deadline: the audit trail will tell. */
  | { readonly kind: "unknown"; readonly commandId: string };

/** What the service talks to. */
export interface CommandServiceDependencies {
  readonly route: CommandRoute;
  readonly journal: CommandJournal;
  readonly logger: Logger;
  readonly now: () => number;
}

// How long past its deadline an asker waits for the gateway to report (and store) the outcome.
const REPORT_GRACE_MS = 2_000;
const POLL_MS = 100;

/** A command id (36 characters: an OCPP-J message id) from an asker's idempotency key. */
export function commandIdFor(requestedBy: string, idempotencyKey: string): string {
  const hex = createHash("sha256").update(`${requestedBy}\n${idempotencyKey}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Asks charge points to do things, wherever their session is: checks the command against the
 * protocol the charge point speaks, stores its request (once per idempotency key, however many
 * callers race), sends it through the route with its deadline, and stores its outcome, which the
 * gateway holding the session stores too, so whichever is first wins and neither is lost.
 */
export class CommandService {
  readonly #deps: CommandServiceDependencies;

  constructor(deps: CommandServiceDependencies) {
    this.#deps = deps;
  }

  async send(asked: CommandAsked, options: { readonly wait: boolean }): Promise<CommandAnswer> {
    const { route, journal, now } = this.#deps;
    const owner = await route.ownerOf(asked.cpId);
    const speaks = owner && HANDLERS_BY_SUBPROTOCOL.get(owner.protocol)?.protocol;
    // Offline, the charge point's protocol is unknown: a command valid in any served one is
    // stored, and its outcome is `offline`.
    const checked = speaks ? checkFor(speaks, asked) : checkForAny(asked);
    if (checked.kind !== "valid") return checked;
    const protocol = checked.protocol;
    const commandId = asked.idempotencyKey
      ? commandIdFor(asked.requestedBy, asked.idempotencyKey)
      : randomUUID();
    const at = now();
    const deadline = at + asked.timeoutMs;
    const stored = await journal.requested({
      commandId,
      cpId: asked.cpId,
      at,
      payload: {
        action: asked.action,
        request: asked.payload,
        requestedBy: asked.requestedBy,
        deadline,
        protocol: protocol.subprotocol,
        ...(asked.idempotencyKey === undefined ? {} : { idempotencyKey: asked.idempotencyKey }),
        ...(owner ? { sessionId: owner.sessionId } : {}),
      },
    });
    if (!stored.ok) {
      const existing = stored.existing;
      if (existing && (existing.cpId !== asked.cpId || existing.action !== asked.action))
        return { kind: "key-reused", commandId };
      if (!options.wait) return { kind: "accepted", commandId };
      return this.#waitForOutcome(commandId, (existing?.deadline ?? deadline) + REPORT_GRACE_MS);
    }
    const request: StoredRequest = {
      commandId,
      cpId: asked.cpId,
      action: asked.action,
      requestedAt: at,
      requestedBy: asked.requestedBy,
      requestSequence: stored.sequence,
    };
    const running = this.#run(request, asked.payload, deadline, owner);
    if (options.wait) return running;
    running.catch((error: unknown) =>
      this.#deps.logger.error({ err: error, commandId, cpId: asked.cpId }, "command failed to run"),
    );
    return { kind: "accepted", commandId };
  }

  /** A command as stored, if it was ever requested. */
  status(commandId: string): Promise<CommandRecord | undefined> {
    return this.#deps.journal.status(commandId);
  }

  async #run(
    request: StoredRequest,
    payload: Record<string, unknown>,
    deadline: number,
    owner: SessionOwner | undefined,
  ): Promise<CommandAnswer> {
    const { route, journal, now } = this.#deps;
    let delivered: { readonly sessionId: string; readonly delivery: Delivery } | undefined;
    if (owner) {
      const command = (sessionId: string): RoutedCommand => ({
        commandId: request.commandId,
        cpId: request.cpId,
        sessionId,
        action: request.action,
        payload,
        deadline,
        requestedAt: request.requestedAt,
        requestedBy: request.requestedBy,
        requestSequence: request.requestSequence,
      });
      const wait = () => Math.max(0, deadline - now()) + REPORT_GRACE_MS;
      delivered = {
        sessionId: owner.sessionId,
        delivery: await route.deliver(command(owner.sessionId), wait()),
      };
      if (delivered.delivery.kind === "no-session") {
        // The charge point may have moved since its owner was read: follow it once.
        const moved = await route.ownerOf(request.cpId, true);
        if (moved && moved.sessionId !== owner.sessionId)
          delivered = {
            sessionId: moved.sessionId,
            delivery: await route.deliver(command(moved.sessionId), wait()),
          };
      }
    }
    const { recorded, ...outcome } = outcomeOf(delivered?.delivery, now());
    const command = {
      ...request,
      ...(delivered ? { sessionId: delivered.sessionId } : {}),
    };
    // The gateway that served it stored it already: nothing more to write or read.
    if (recorded)
      return { kind: "done", command: { ...command, deadline: undefined, outcome }, outcome };
    const stored = await journal.outcome(command, outcome).catch(() => false);
    // Not stored by us: another stored one first (or the log is unreachable, and will tell).
    const known = stored
      ? undefined
      : await journal.status(request.commandId).catch(() => undefined);
    if (known?.outcome) return { kind: "done", command: known, outcome: known.outcome };
    return { kind: "done", command: { ...command, deadline: undefined, outcome }, outcome };
  }

  async #waitForOutcome(commandId: string, until: number): Promise<CommandAnswer> {
    const { journal, now } = this.#deps;
    for (;;) {
      const command = await journal.status(commandId);
      if (command?.outcome) return { kind: "done", command, outcome: command.outcome };
      if (now() > until) return { kind: "unknown", commandId };
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

type Checked = CommandAnswer | { readonly kind: "valid"; readonly protocol: OcppProtocol };

const SERVED = [...HANDLERS_BY_SUBPROTOCOL.values()].map((handlers) => handlers.protocol);

/** Whether a command can be sent to a charge point speaking `protocol`, and why not. */
function checkFor(protocol: OcppProtocol, asked: CommandAsked): Checked {
  const commands = protocol.commands;
  if (!commands.actions.has(asked.action)) {
    return SERVED.some((other) => other.commands.actions.has(asked.action))
      ? { kind: "wrong-protocol", protocol: protocol.subprotocol, action: asked.action }
      : { kind: "unknown-action", protocol: protocol.subprotocol };
  }
  const violation = commands.validateRequest(asked.action, asked.payload);
  return violation
    ? {
        kind: "invalid-payload",
        protocol: protocol.subprotocol,
        message: violation.message,
        path: violation.path,
      }
    : { kind: "valid", protocol };
}

/** The first served protocol the command is valid in, else why it is valid in none. */
function checkForAny(asked: CommandAsked): Checked {
  const having = SERVED.filter((protocol) => protocol.commands.actions.has(asked.action));
  const checks = having.map((protocol) => checkFor(protocol, asked));
  return (
    checks.find((checked) => checked.kind === "valid") ??
    checks[0] ?? {
      kind: "unknown-action",
      protocol: SERVED.map((protocol) => protocol.subprotocol).join(", "),
    }
  );
}

function outcomeOf(delivery: Delivery | undefined, at: number): CommandOutcome {
  if (!delivery || delivery.kind === "no-session")
    return {
      outcome: "failed",
      reason: "offline",
      detail: "the charge point has no session on any gateway",
      at,
    };
  if (delivery.kind === "no-answer")
    return {
      outcome: "failed",
      reason: "timed-out",
      detail: "no word from the gateway holding the session by the deadline",
      at,
    };
  return delivery.outcome;
}
