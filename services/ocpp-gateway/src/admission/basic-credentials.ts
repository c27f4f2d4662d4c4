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

const HEX_TEXT = /^(?:[0-9A-Fa-f]{2})+$/;

/**
 * The forms a 1.6 AuthorizationKey may arrive in, each as the hex text the registry hashes. The key
 * is hexBinary, whose letters are case-insensitive: hex text is tried in lower case (as Levity
 * generates keys), as sent, and in upper case (a key configured in capitals). Bytes that are not
 * hex text are the raw key, tried as sent and as its lower-case hex; raw keys are never case-folded.
 */
export function authorizationKeyForms(password: Buffer): Buffer[] {
  const text = password.toString("latin1");
  const candidates = HEX_TEXT.test(text)
    ? [text.toLowerCase(), text, text.toUpperCase()]
    : [text, password.toString("hex")];
  return [...new Set(candidates)].map((form) => Buffer.from(form, "latin1"));
}
