import { OCPP16, type Ocpp16CpAction, type OcppProtocol } from "@levity/ocpp";
import type { CallContext, CallOutcome } from "./call-outcome.js";
import { ocpp16Handlers } from "./v16/ocpp16-handlers.js";

/** How the gateway answers one OCPP version: its protocol definition and a handler per action. */
export interface ProtocolHandlers {
  readonly protocol: OcppProtocol;
  /** Answers a call whose payload already passed the action's request schema. */
  handle(action: string, payload: unknown, context: CallContext): CallOutcome;
  /** Whether answering `action` needs a fresh transaction id in the context. */
  needsTransactionId(action: string): boolean;
}

const ocpp16: ProtocolHandlers = {
  protocol: OCPP16,
  // The validator has checked `payload` against the schema the handler's request type derives from.
  handle: (action, payload, context) =>
    (
      ocpp16Handlers[action as Ocpp16CpAction] as (
        request: unknown,
        context: CallContext,
      ) => CallOutcome
    )(payload, context),
  needsTransactionId: (action) => action === "StartTransaction",
};

/** Handlers per negotiated subprotocol; OCPP 2.0.1 joins here with its own table. */
export const HANDLERS_BY_SUBPROTOCOL: ReadonlyMap<string, ProtocolHandlers> = new Map([
  [OCPP16.subprotocol, ocpp16],
]);
