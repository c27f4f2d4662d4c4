import { err, ok, type Result } from "../result.js";

// A NATS subject token must not contain '.', '*', '>' or whitespace. Charge-point identities may
// contain any of these (and non-ASCII), so identities are escaped into [A-Za-z0-9-] plus "_HH"
// escapes of their UTF-8 bytes. The escape is canonical (uppercase hex, only for bytes outside the
// safe set), so each identity has exactly one token and each token decodes to exactly one identity.

const SAFE = /^[A-Za-z0-9-]$/;
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const TOKEN = /^(?:[A-Za-z0-9-]|_[0-9A-F]{2})+$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

function isSafeCharCode(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    code === 0x2d
  );
}

/** Encodes a non-empty identity into one NATS subject token that cannot inject wildcards or tokens. */
export function encodeSubjectToken(identity: string): string {
  if (identity.length === 0) throw new RangeError("cannot encode an empty identity");
  let plain = true;
  for (let i = 0; i < identity.length; i++) {
    if (!isSafeCharCode(identity.charCodeAt(i))) {
      plain = false;
      break;
    }
  }
  if (plain) return identity;
  // A lone surrogate would encode like U+FFFD and alias another identity.
  if (LONE_SURROGATE.test(identity)) throw new RangeError("identity is not well-formed UTF-16");
  let token = "";
  for (const char of identity) {
    if (SAFE.test(char)) {
      token += char;
      continue;
    }
    for (const byte of encoder.encode(char)) {
      token += `_${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    }
  }
  return token;
}

/** Decodes a token made by `encodeSubjectToken`; rejects anything that is not canonical. */
export function decodeSubjectToken(token: string): Result<string, string> {
  if (!TOKEN.test(token)) return err("not a subject token");
  const bytes: number[] = [];
  for (let i = 0; i < token.length; i++) {
    if (token[i] === "_") {
      bytes.push(Number.parseInt(token.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(token.charCodeAt(i));
    }
  }
  let identity: string;
  try {
    identity = decoder.decode(new Uint8Array(bytes));
  } catch {
    return err("escapes are not valid UTF-8");
  }
  // A token with needless escapes (e.g. "_41" for "A") would alias another token: refuse it.
  return encodeSubjectToken(identity) === token ? ok(identity) : err("token is not canonical");
}
