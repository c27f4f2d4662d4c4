import type { CommandOutcome, RoutedCommand } from "@levity/commands";
import type { Logger } from "@levity/service-kit";
import type { ChargePointSession } from "../session/charge-point-session.js";
import type { CommandJournal } from "./command-journal.js";

/**
 * Serves the commands routed to one session: sends each to the charge point and stores its
 * outcome right after its request before answering, so the outcome is in the audit trail even if
 * whoever asked is gone. The answer says whether it is stored: if not, the asker stores it.
 */
export function commandExecutor(
  session: ChargePointSession,
  journal: CommandJournal,
  logger: Logger,
): (command: RoutedCommand) => Promise<CommandOutcome> {
  return async (command) => {
    const outcome = await session.command({
      messageId: command.commandId,
      action: command.action,
      payload: command.payload,
      deadline: command.deadline,
    });
    // Stored by us, or already by whoever raced us (the one outcome a command may have): recorded.
    const recorded = await journal
      .outcome(
        {
          commandId: command.commandId,
          cpId: command.cpId,
          action: command.action,
          requestedAt: command.requestedAt,
          requestedBy: command.requestedBy,
          requestSequence: command.requestSequence,
          sessionId: command.sessionId,
        },
        outcome,
      )
      .then(
        () => true,
        (error: unknown) => {
          logger.warn(
            {
              err: error,
              cpId: command.cpId,
              sessionId: command.sessionId,
              commandId: command.commandId,
            },
            "could not store a command's outcome; its asker will",
          );
          return false;
        },
      );
    return { ...outcome, recorded };
  };
}
