/** Why a charge point's session ended; carried by `session.closed`. */
export const CLOSE_REASONS = [
  "closed-by-cp",
  "ping-timeout",
  "replaced",
  "gateway-shutdown",
  "call-flood",
  "slow-consumer",
  "protocol-violation",
  "network-error",
  "revoked",
] as const;

export type CloseReason = (typeof CLOSE_REASONS)[number];
