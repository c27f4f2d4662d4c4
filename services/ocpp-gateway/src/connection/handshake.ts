import type { HandshakeRejection } from "../metrics/gateway-metrics.js";

/** Whether a charge point may upgrade, and as which identity. */
export type HandshakeDecision =
  | { readonly ok: true; readonly identity: string }
  | {
      readonly ok: false;
      readonly status: number;
      readonly reason: HandshakeRejection;
      readonly message: string;
    };

export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

function refuse(reason: HandshakeRejection, message: string): HandshakeDecision {
  return { ok: false, status: 400, reason, message };
}

/**
 * The charge point identity in a connection URL: its last path segment, percent-decoded, so a
 * charge point configured with any base path works (`/ocpp/CP-1`, `/steve/websocket/CP-1`).
 */
export function identityFromUrl(url: string | undefined, maxLength: number): HandshakeDecision {
  const path = (url ?? "").split(/[?#]/, 1)[0] ?? "";
  const segment = path.slice(path.lastIndexOf("/") + 1);
  if (segment.length === 0)
    return refuse("identity-empty", "the URL must end with the charge point identity");
  let identity: string;
  try {
    identity = decodeURIComponent(segment);
  } catch {
    return refuse("identity-invalid", "the identity is not valid percent-encoded UTF-8");
  }
  if (identity.length === 0) return refuse("identity-empty", "the identity is empty");
  if (hasControlCharacter(identity))
    return refuse("identity-invalid", "the identity contains control characters");
  if ([...identity].length > maxLength) {
    return refuse("identity-too-long", `the identity is longer than ${maxLength} characters`);
  }
  return { ok: true, identity };
}
