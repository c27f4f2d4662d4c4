import type { AutomationCommand, CommandHandOver, CommandPort } from "./command-port.js";

/** What the in-process adapter needs of the gateway's command service (a structural subset). */
export interface CommandSender {
  send(
    asked: {
      readonly cpId: string;
      readonly action: string;
      readonly payload: Record<string, unknown>;
      readonly requestedBy: string;
      readonly idempotencyKey: string | undefined;
      readonly timeoutMs: number;
    },
    options: { readonly wait: boolean },
  ): Promise<{
    readonly kind: string;
    readonly commandId?: string;
    readonly command?: { readonly commandId: string };
  }>;
}

/** Who automations ask as, in the audit trail of the all-in-one. */
export const AUTOMATIONS_ASKER = "automations";

/**
 * Sends automations' commands through the command service of a gateway in the same process (the
 * all-in-one), as `automations`, not waiting for the outcome (it is stored as an event). `sender`
 * is read at each send: the gateway starts after the projector.
 */
export function inProcessCommandPort(
  sender: () => CommandSender | undefined,
  now: () => number,
): CommandPort {
  return {
    async send(command: AutomationCommand): Promise<CommandHandOver> {
      const service = sender();
      if (!service) return { ok: false, retry: true, error: "the gateway is not started yet" };
      // As the command API refuses it (422 deadline-passed): a late command is never stored.
      if (command.deadline <= now())
        return { ok: false, retry: false, error: "the deadline is already past" };
      let answer: Awaited<ReturnType<CommandSender["send"]>>;
      try {
        answer = await service.send(
          {
            cpId: command.cpId,
            action: command.action,
            payload: command.request,
            requestedBy: AUTOMATIONS_ASKER,
            idempotencyKey: command.idempotencyKey,
            timeoutMs: command.deadline - now(),
          },
          { wait: false },
        );
      } catch (error) {
        return { ok: false, retry: true, error: (error as Error).message };
      }
      const commandId = answer.commandId ?? answer.command?.commandId;
      if (commandId !== undefined && answer.kind !== "key-reused") return { ok: true, commandId };
      return { ok: false, retry: false, error: `the command service answered ${answer.kind}` };
    },
  };
}
