import type { EventLog } from "@levity/events";
import type { Logger } from "@levity/service-kit";
import type { Registry } from "prom-client";
import type { ProjectionState } from "../state/projection-state.js";
import { openAutomationsFile } from "./automations-file.js";
import type { CommandPort } from "./commands/command-port.js";
import { Reactor } from "./runtime/reactor.js";
import { startWebhooks } from "./webhook/webhooks.js";

/** What the automations talk to. */
export interface AutomationsDependencies {
  readonly log: EventLog;
  readonly commands: CommandPort;
  readonly logger: Logger;
  readonly registry: Registry;
  /** The projection now (webhooks select charge points by it). */
  readonly state: () => ProjectionState;
  /** Who records the decisions: the envelope's gatewayId of `automation.decided` events. */
  readonly producer?: string;
  readonly now?: () => number;
}

/**
 * Running automations: the reactor the projector ticks (the automations that act on charge
 * points), the webhooks beside it, and how to stop them.
 */
export interface RunningAutomations {
  readonly reactor: Reactor;
  stop(): Promise<void>;
}

/** Reads the automations file (followed live) and starts what it configures. */
export async function startAutomations(
  path: string,
  deps: AutomationsDependencies,
): Promise<{ ok: true; automations: RunningAutomations } | { ok: false; error: string }> {
  const file = await openAutomationsFile(path, deps.logger);
  if (!file.ok) return file;
  const reactor = new Reactor({
    log: deps.log,
    commands: deps.commands,
    rules: file.rules,
    logger: deps.logger,
    now: deps.now ?? Date.now,
    producer: deps.producer ?? "automations",
  });
  const webhooks = await startWebhooks({
    rules: file.rules,
    log: deps.log,
    state: deps.state,
    registry: deps.registry,
    logger: deps.logger,
  });
  return {
    ok: true,
    automations: {
      reactor,
      stop: async () => {
        file.stop();
        await webhooks.stop();
        await reactor.idle();
      },
    },
  };
}
