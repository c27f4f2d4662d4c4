export { OCPP16, type OcppProtocol } from "./protocols.js";
export { type ErrorCodeTable, OCPP16_ERROR_CODES, type RpcErrorKind } from "./rpc/error-codes.js";
export {
  callErrorFrame,
  callFrame,
  callResultFrame,
  type Frame,
  type FrameViolation,
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
