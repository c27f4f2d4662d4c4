export { OCPP16, OCPP201, type OcppProtocol } from "./protocols.js";
export {
  type ErrorCodeTable,
  OCPP16_ERROR_CODES,
  OCPP201_ERROR_CODES,
  type RpcErrorKind,
} from "./rpc/error-codes.js";
export {
  callErrorFrame,
  callFrame,
  callResultFrame,
  type Frame,
  type FrameViolation,
  type FrameViolationKind,
  type ParsedFrame,
  parseFrame,
} from "./rpc/frame.js";
export { MAX_MESSAGE_ID_LENGTH, MessageType } from "./rpc/message-type.js";
export { CallTimeout, ConnectionClosed, PendingCalls } from "./rpc/pending-calls.js";
export type { MessageValidator, PayloadViolation } from "./schemas/message-validator.js";
export {
  OCPP16_COMMAND_ACTIONS,
  OCPP16_CP_ACTIONS,
  OCPP16_CS_ACTIONS,
  type Ocpp16CommandAction,
  type Ocpp16CpAction,
} from "./v16/ocpp16-actions.js";
export type * from "./v16/ocpp16-messages.generated.js";
export {
  OCPP16_SCHEMA_IDS,
  OCPP16_SCHEMAS,
  ocpp16CommandValidator,
  ocpp16Validator,
} from "./v16/ocpp16-schemas.js";
export {
  OCPP201_COMMAND_ACTIONS,
  OCPP201_CP_ACTIONS,
  OCPP201_CS_ACTIONS,
  type Ocpp201CommandAction,
  type Ocpp201CpAction,
} from "./v201/ocpp201-actions.js";
// 2.0.1 reuses many of 1.6's message names with other shapes: its types live in a namespace.
export type * as Ocpp201 from "./v201/ocpp201-messages.generated.js";
export {
  OCPP201_SCHEMA_IDS,
  OCPP201_SCHEMAS,
  ocpp201CommandValidator,
  ocpp201Validator,
} from "./v201/ocpp201-schemas.js";
