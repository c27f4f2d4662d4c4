import { JetStreamApiError } from "@nats-io/jetstream";

/** The JetStream API error codes Levity acts on (nats-server's `JSErrCode`s, the same since 2.9). */
export const JETSTREAM_ERRORS = {
  noMessageFound: 10037,
  streamNotFound: 10059,
  /** An expected last sequence that is not the stream's (or the subject's): someone stored first. */
  wrongLastSequence: 10071,
} as const;

/** Whether `error` is the JetStream API's answer with one of `codes`. */
export function isJetStreamError(
  error: unknown,
  ...codes: (typeof JETSTREAM_ERRORS)[keyof typeof JETSTREAM_ERRORS][]
): boolean {
  return error instanceof JetStreamApiError && (codes as number[]).includes(error.code);
}
