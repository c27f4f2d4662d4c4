/** Why a command to a charge point did not complete; carried by `command.failed`. */
export const COMMAND_FAILURES = [
  /** No session of the charge point on any gateway: nothing was sent. */
  "offline",
  /** The charge point answered with a CALLERROR. */
  "rejected",
  /** The charge point's answer broke the action's `.conf` schema. */
  "invalid-answer",
  /** No answer within the command's timeout (or no word from the gateway that held it). */
  "timed-out",
  /** The deadline passed before the command could be sent: it was dropped, never sent late. */
  "deadline-passed",
  /** The session ended while the command waited or was in flight. */
  "session-closed",
  /** The charge point already had the most commands waiting. */
  "queue-full",
  /** The request breaks the schema of the action in the charge point's protocol: never sent. */
  "invalid-request",
] as const;

export type CommandFailure = (typeof COMMAND_FAILURES)[number];
