/** The parts of an HTTP Basic `Authorization` header, the password as the bytes that were sent. */
export interface BasicCredentials {
  readonly username: string;
  readonly password: Buffer;
}

/** Reads `Authorization: Basic base64(username:password)`; undefined when absent or malformed. */
export function parseBasicAuthorization(header: string | undefined): BasicCredentials | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, "base64");
  const colon = decoded.indexOf(0x3a);
  if (colon < 0) return undefined;
  return {
    username: decoded.subarray(0, colon).toString("utf8"),
    password: decoded.subarray(colon + 1),
  };
}

/**
 * The forms a 1.6 AuthorizationKey may arrive in: the key as configured (its hex text), or the
 * raw bytes that text encodes; the security whitepaper allows both, so both are tried, as hex text.
 */
export function authorizationKeyForms(password: Buffer): Buffer[] {
  const asSent = password;
  const hexOfBytes = Buffer.from(password.toString("hex"), "utf8");
  return asSent.equals(hexOfBytes) ? [asSent] : [asSent, hexOfBytes];
}
