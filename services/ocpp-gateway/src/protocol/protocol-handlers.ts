import { OCPP16, OCPP201, type OcppProtocol } from "@levity/ocpp";
import type { CallContext, CallOutcome } from "./call-outcome.js";
import { ocpp16Handlers } from "./v16/ocpp16-handlers.js";
import { ocpp201Handlers } from "./v201/ocpp201-handlers.js";

/** How the gateway answers one OCPP version: its protocol definition and a handler per action. */
export interface ProtocolHandlers {
  readonly protocol: OcppProtocol;
  /** Answers a call whose payload already passed the action's request schema. */
  handle(action: string, payload: unknown, context: CallContext): CallOutcome;
  /** Whether answering `action` needs a fresh transaction id in the context. */
  needsTransactionId(action: string): boolean;
}

type UntypedHandler = (request: unknown, context: CallContext) => CallOutcome;

/** A version's handlers by action, dispatched by action name. */
function served(
  protocol: OcppProtocol,
  table: object,
  needsTransactionId: (action: string) => boolean,
): ProtocolHandlers {
  const byAction = table as Readonly<Record<string, UntypedHandler>>;
  return {
    protocol,
    // The validator has checked `payload` against the schema the handler's request type derives from.
    handle: (action, payload, context) => (byAction[action] as UntypedHandler)(payload, context),
    needsTransactionId,
  };
}

const ocpp16 = served(OCPP16, ocpp16Handlers, (action) => action === "StartTransaction");
// 2.0.1 charging stations make their own transaction ids.
const ocpp201 = served(OCPP201, ocpp201Handlers, () => false);

/**
 * The protocols this gateway serves, most preferred first: the one table the handshake negotiates
 * from and sessions and commands are served by, so no subprotocol can be agreed and then not served.
 */
export const SERVED_PROTOCOLS: readonly ProtocolHandlers[] = [ocpp201, ocpp16];

/** Handlers per served subprotocol. */
export const HANDLERS_BY_SUBPROTOCOL: ReadonlyMap<string, ProtocolHandlers> = new Map(
  SERVED_PROTOCOLS.map((handlers) => [handlers.protocol.subprotocol, handlers]),
);

/** The most preferred served protocol among those a charge point offers. */
export function negotiateProtocol(offered: Iterable<string>): ProtocolHandlers | undefined {
  const offers = new Set(offered);
  return SERVED_PROTOCOLS.find((handlers) => offers.has(handlers.protocol.subprotocol));
}
