import { type ErrorCodeTable, OCPP16_ERROR_CODES, OCPP201_ERROR_CODES } from "./rpc/error-codes.js";
import type { MessageValidator } from "./schemas/message-validator.js";
import { OCPP16_CS_ACTIONS } from "./v16/ocpp16-actions.js";
import { ocpp16CommandValidator, ocpp16Validator } from "./v16/ocpp16-schemas.js";
import { OCPP201_CS_ACTIONS } from "./v201/ocpp201-actions.js";
import { ocpp201CommandValidator, ocpp201Validator } from "./v201/ocpp201-schemas.js";

/** One OCPP-J version: its WebSocket subprotocol name, error spelling and schemas. */
export interface OcppProtocol {
  readonly subprotocol: string;
  readonly errorCodes: ErrorCodeTable;
  /** Validates the calls a charge point sends and the answers it expects. */
  readonly validator: MessageValidator;
  /** Actions of this version that only the central system sends: answered NotSupported. */
  readonly centralSystemActions: ReadonlySet<string>;
  /** Validates the commands the central system sends and the charge point's answers to them. */
  readonly commands: MessageValidator;
}

export const OCPP16: OcppProtocol = {
  subprotocol: "ocpp1.6",
  errorCodes: OCPP16_ERROR_CODES,
  validator: ocpp16Validator,
  centralSystemActions: new Set(OCPP16_CS_ACTIONS),
  commands: ocpp16CommandValidator,
};

export const OCPP201: OcppProtocol = {
  subprotocol: "ocpp2.0.1",
  errorCodes: OCPP201_ERROR_CODES,
  validator: ocpp201Validator,
  centralSystemActions: new Set(OCPP201_CS_ACTIONS),
  commands: ocpp201CommandValidator,
};
