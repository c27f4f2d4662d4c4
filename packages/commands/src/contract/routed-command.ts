import { COMMAND_FAILURES, type Result } from "@levity/events";
import { type Static, Type } from "@sinclair/typebox";
import { Ajv, type ValidateFunction } from "ajv";

const Millis = Type.Integer({ minimum: 0 });
const Id = (maxLength: number) => Type.String({ minLength: 1, maxLength });
const OcppPayload = Type.Record(Type.String(), Type.Unknown());

/**
 * A command on its way to the gateway that holds the charge point's session: what to send, to
 * which session, and until when. The gateway drops it unsent once `deadline` has passed.
 */
export const RoutedCommandSchema = Type.Object(
  {
    commandId: Id(64),
    cpId: Id(255),
    sessionId: Id(64),
    action: Id(64),
    payload: OcppPayload,
    /**
     * Unix ms by which the command must be answered: it is not sent after it, and an answer not
     * received by then is a timeout (the gateways' clocks are expected to be in sync, by NTP).
     */
    deadline: Millis,
    requestedAt: Millis,
    requestedBy: Id(64),
    /** Where the command's request is stored: its outcome is stored right after it, once. */
    requestSequence: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);

/** Set by the gateway that served the command once it stored the outcome in the log. */
const Recorded = Type.Optional(Type.Boolean());

/** What became of a command: the charge point's answer, or why there is none. */
export const CommandOutcomeSchema = Type.Union([
  Type.Object(
    { outcome: Type.Literal("completed"), response: OcppPayload, at: Millis, recorded: Recorded },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      outcome: Type.Literal("failed"),
      reason: Type.Union(COMMAND_FAILURES.map((r) => Type.Literal(r))),
      errorCode: Type.Optional(Type.String({ maxLength: 64 })),
      errorDescription: Type.Optional(Type.String({ maxLength: 255 })),
      detail: Type.Optional(Type.String({ maxLength: 1024 })),
      at: Millis,
      recorded: Recorded,
    },
    { additionalProperties: false },
  ),
]);

export type RoutedCommand = Static<typeof RoutedCommandSchema>;
export type CommandOutcome = Static<typeof CommandOutcomeSchema>;

const ajv = new Ajv({ strict: false });
const validators = {
  command: ajv.compile(RoutedCommandSchema),
  outcome: ajv.compile(CommandOutcomeSchema),
};

function decode<T>(validate: ValidateFunction, bytes: Uint8Array): Result<T, string> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return { ok: false, error: "not JSON" };
  }
  if (validate(value)) return { ok: true, value: value as T };
  const first = validate.errors?.[0];
  return { ok: false, error: `${first?.instancePath || "/"} ${first?.message ?? "is invalid"}` };
}

/** Reads a routed command from the wire; anything else is refused with a reason. */
export const decodeRoutedCommand = (bytes: Uint8Array) =>
  decode<RoutedCommand>(validators.command, bytes);

/** Reads a command's outcome from the wire. */
export const decodeCommandOutcome = (bytes: Uint8Array) =>
  decode<CommandOutcome>(validators.outcome, bytes);

export const encodeJson = (value: unknown): Uint8Array =>
  new TextEncoder().encode(JSON.stringify(value));
