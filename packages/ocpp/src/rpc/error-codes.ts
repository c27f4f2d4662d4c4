/** What went wrong with a call, independently of how an OCPP version spells it. */
export type RpcErrorKind =
  | "notImplemented"
  | "notSupported"
  | "internal"
  | "protocol"
  | "security"
  | "formation"
  | "property"
  | "occurrence"
  | "type"
  | "generic"
  /** The frame is not an RPC message at all (its id or shape cannot be read as one). */
  | "rpcFramework"
  /** The frame's message type number is not one this version has. */
  | "messageType";

/** How one OCPP version spells each error kind on the wire. */
export type ErrorCodeTable = Readonly<Record<RpcErrorKind, string>>;

/** OCPP 1.6J error codes, spelled as 1.6 spells them ("Occurence", one r; "FormationViolation"). */
export const OCPP16_ERROR_CODES: ErrorCodeTable = {
  notImplemented: "NotImplemented",
  notSupported: "NotSupported",
  internal: "InternalError",
  protocol: "ProtocolError",
  security: "SecurityError",
  formation: "FormationViolation",
  property: "PropertyConstraintViolation",
  occurrence: "OccurenceConstraintViolation",
  type: "TypeConstraintViolation",
  generic: "GenericError",
  // 1.6 has no code for a frame that is not an RPC message: its FormationViolation covers it.
  rpcFramework: "FormationViolation",
  messageType: "FormationViolation",
};

/** OCPP 2.0.1 error codes (Part 4, 4.3): "Occurrence" with two r, "FormatViolation", the RPC ones. */
export const OCPP201_ERROR_CODES: ErrorCodeTable = {
  notImplemented: "NotImplemented",
  notSupported: "NotSupported",
  internal: "InternalError",
  protocol: "ProtocolError",
  security: "SecurityError",
  formation: "FormatViolation",
  property: "PropertyConstraintViolation",
  occurrence: "OccurrenceConstraintViolation",
  type: "TypeConstraintViolation",
  generic: "GenericError",
  rpcFramework: "RpcFrameworkError",
  messageType: "MessageTypeNotSupported",
};
