import { randomBytes } from "node:crypto";

/** A name no other test uses: for streams, subject prefixes and buckets shared on one server. */
export function uniqueName(prefix = "t"): string {
  return `${prefix}${randomBytes(5).toString("hex")}`;
}
