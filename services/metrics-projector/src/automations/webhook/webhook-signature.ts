import { createHmac, timingSafeEqual } from "node:crypto";

// Receivers check a body came from us with the shared secret: the header carries the HMAC-SHA256
// of the exact bytes POSTed, as `sha256=<hex>` (the scheme named so it can change later).

const SCHEME = "sha256=";

/** The `Levity-Signature` header of `body` under `secret`: `sha256=<hex HMAC-SHA256>`. */
export function signBody(secret: string, body: string): string {
  return `${SCHEME}${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

/** Whether `header` is the signature of `body` under `secret`, compared in constant time. */
export function verifySignature(secret: string, body: string, header: string | undefined): boolean {
  if (header === undefined) return false;
  const expected = Buffer.from(signBody(secret, body), "utf8");
  const given = Buffer.from(header, "utf8");
  // A length mismatch says nothing about the secret: only equal lengths need the timing-safe compare.
  return expected.length === given.length && timingSafeEqual(expected, given);
}
