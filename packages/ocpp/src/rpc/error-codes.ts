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
  | "generic";

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
};
