import { type EventLog, type EventOf, encodeBatch, type LevityEvent } from "@levity/events";
import type { Logger } from "@levity/service-kit";
import type { AwaitedDecision, ProjectionState } from "../../state/projection-state.js";
import type { CommandPort } from "../commands/command-port.js";
import type { AutomationRule } from "../config/automation-rules.js";
import { decidedEvent } from "../decisions/decision.js";
import { DecisionPass } from "./decision-pass.js";

/** What the reactor talks to: all its I/O, injected. */
export interface ReactorDependencies {
  readonly log: EventLog;
  readonly commands: CommandPort;
  /** The rules now (the automations file, re-read live). */
  readonly rules: () => readonly AutomationRule[];
  readonly logger: Logger;
  readonly now: () => number;
  /** Who records the decisions (the envelope's gatewayId). */
  readonly producer: string;
}

// Decision ids remembered as settled (stored or found stored), and as handed over: beyond, the
// oldest are forgotten and, if still due, found stored (one read of the log) or handed over
// again (the command path sends it once still).
const MAX_REMEMBERED = 100_000;

type Decided = EventOf<"automation.decided">;

/** The key a decision is stored under: one decision per id, ever. */
export const decisionKey = (id: string) => id.replaceAll("/", "-");

/**
 * Runs the automations: at each tick of a projection known to hold every stored event, decides
 * from it (pure), stores each new decision as an `automation.decided` event under its own key,
 * only if the key holds nothing yet, and only then acts, sending the command with the decision's
 * id as idempotency key. So a decision is stored once however many replicas decide it, and a
 * command is stored, so sent, once however many hand it over (the command path deduplicates the
 * key in the stream). Every replica also hands over the commands of stored decisions that the
 * projection has not seen requested yet, while in time and the charge point is connected: the
 * process that stored one may have died before sending it, a decision that changed the state (a
 * quarantine) is not decided again, and one whose command found the charge point offline (never
 * sent) awaits another attempt under a new key (`state/automations.ts`).
 */
export class Reactor {
  readonly #deps: ReactorDependencies;
  readonly #settled = new Remembered();
  readonly #handed = new Remembered();
  /** Commands of decisions to hand over, by decision id. */
  readonly #acting = new Map<string, AwaitedDecision>();
  readonly #pass = new DecisionPass();
  #running: Promise<void> | undefined;

  constructor(deps: ReactorDependencies) {
    this.#deps = deps;
  }

  /** Decides and acts on `state`, unless the previous tick is still at it. */
  tick(state: ProjectionState): void {
    if (this.#running) return;
    this.#running = this.#run(state)
      .catch((error: unknown) => this.#deps.logger.warn({ err: error }, "automations tick failed"))
      .finally(() => {
        this.#running = undefined;
      });
  }

  /** Resolves once the tick in progress, if any, is done. */
  async idle(): Promise<void> {
    await this.#running;
  }

  async #run(state: ProjectionState): Promise<void> {
    const { now } = this.#deps;
    for (const decision of await this.#pass.run(this.#deps.rules(), state, now())) {
      if (this.#settled.has(decision.id)) continue;
      const stored = await this.#store(decidedEvent(decision, now(), this.#deps.producer));
      if (!stored) continue;
      this.#settled.add(decision.id);
      const awaited = awaitedOf(stored);
      if (awaited && !this.#handed.has(stored.id)) this.#acting.set(stored.id, awaited);
    }
    // A charge point with no open session would find its command offline: it waits to be back.
    for (const [key, awaited] of state.automations.awaiting)
      if (!this.#handed.has(key) && awaited.deadline >= now() && connected(state, awaited.cpId))
        this.#acting.set(key, awaited);
    for (const [id, awaited] of this.#acting) await this.#act(id, awaited);
  }

  /** Stores the decision unless one is stored under its id: the stored one, or undefined if unknown. */
  async #store(event: Decided): Promise<Decided | undefined> {
    const { log, logger, producer } = this.#deps;
    const key = decisionKey(event.id);
    const ack = await log.appendKeyed(
      key,
      {
        producer,
        messageId: event.id,
        data: encodeBatch({ producer, instance: "decisions", events: [event] }),
      },
      0,
    );
    if (ack.ok) {
      logger.info(
        {
          cpId: event.cpId,
          automation: event.payload.automation,
          decision: event.payload.decision,
          reason: event.payload.reason,
          action: event.payload.command?.action,
          decisionId: event.id,
        },
        `automation ${event.payload.automation} decided to ${event.payload.decision === "act" ? event.payload.command?.action : "skip"}`,
      );
      return event;
    }
    const last = await log.lastOfKey(key);
    const found: LevityEvent | undefined = last?.record.ok
      ? last.record.batch.events[0]
      : undefined;
    return found?.type === "automation.decided" ? found : undefined;
  }

  async #act(id: string, awaited: AwaitedDecision): Promise<void> {
    const { commands, logger, now } = this.#deps;
    if (now() > awaited.deadline) {
      this.#acting.delete(id);
      return;
    }
    const handed = await commands.send({
      cpId: awaited.cpId,
      action: awaited.action,
      request: awaited.request,
      idempotencyKey: id,
      deadline: awaited.deadline,
    });
    const context = { cpId: awaited.cpId, automation: awaited.automation, decisionId: id };
    if (handed.ok || !handed.retry) {
      this.#acting.delete(id);
      this.#handed.add(id);
    }
    if (handed.ok)
      logger.info({ ...context, commandId: handed.commandId }, `sent ${awaited.action}`);
    else
      logger.warn(
        { ...context, error: handed.error },
        handed.retry ? `will retry ${awaited.action}` : `could not send ${awaited.action}`,
      );
  }
}

function connected(state: ProjectionState, cpId: string): boolean {
  return (state.cps.get(cpId)?.sessions.length ?? 0) > 0;
}

/** The command a stored decision sends, if it acts. */
function awaitedOf(decided: Decided): AwaitedDecision | undefined {
  const command = decided.payload.command;
  if (decided.payload.decision !== "act" || !command) return undefined;
  return {
    automation: decided.payload.automation,
    decision: decided.id,
    attempt: 1,
    cpId: decided.cpId,
    action: command.action,
    request: command.request,
    deadline: command.deadline,
  };
}

/** A bounded set of ids: the oldest is forgotten beyond `MAX_REMEMBERED`. */
class Remembered {
  readonly #ids = new Set<string>();

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  add(id: string): void {
    this.#ids.add(id);
    if (this.#ids.size <= MAX_REMEMBERED) return;
    const oldest = this.#ids.values().next().value;
    if (oldest !== undefined) this.#ids.delete(oldest);
  }
}
