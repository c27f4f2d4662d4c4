import { type CallFailure, failure } from "./call-outcome.js";
import type { ProtocolHandlers } from "./protocol-handlers.js";

/**
 * The first step of answering a call, before any I/O: an error if the action is unknown or the
 * payload breaks its schema, else "ready" (with whether a transaction id must be fetched first).
 */
export function checkCall(
  handlers: ProtocolHandlers,
  action: string,
  payload: unknown,
): { readonly kind: "ready"; readonly needsTransactionId: boolean } | CallFailure {
  const { validator, centralSystemActions } = handlers.protocol;
  if (!validator.actions.has(action)) {
    return centralSystemActions.has(action)
      ? failure("notSupported", `${action} is sent by the central system, not to it`)
      : failure("notImplemented", `unknown action ${action.slice(0, 64)}`);
  }
  const violation = validator.validateRequest(action, payload);
  if (violation) return failure(violation.kind, violation.message);
  return { kind: "ready", needsTransactionId: handlers.needsTransactionId(action) };
}
