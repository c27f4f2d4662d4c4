// How a POST's outcome is judged and how long to wait before trying it again: pure, so the
// delivery loop only does the I/O.

/** A POST not answered by then counts as failed (and is retried). */
export const POST_TIMEOUT_MS = 10_000;

const BACKOFF_BASE_MS = 500;
const BACKOFF_FACTOR = 2;
const BACKOFF_CAP_MS = 30_000;

/** What one POST came to: the receiver's status, or why there was none. */
export type PostOutcome =
  | { readonly ok: true; readonly status: number }
  | { readonly ok: false; readonly error: string };

/** What to do with an event after a POST: done, try again later, or give it up now. */
export type Verdict = "delivered" | "retry" | "refused";

/**
 * A 2xx delivers. No answer, 429 and 5xx are the receiver's passing trouble, so worth retrying;
 * any other status (a 4xx, or a redirect, not followed as it would turn the POST into a GET) will
 * not change by sending the same body again.
 */
export function verdictOf(outcome: PostOutcome): Verdict {
  if (!outcome.ok) return "retry";
  const { status } = outcome;
  if (status >= 200 && status < 300) return "delivered";
  if (status === 429 || status >= 500) return "retry";
  return "refused";
}

/**
 * The wait before retry number `retry` (1, 2, …): exponential, capped, with jitter between half
 * and all of it so receivers coming back are not hit by every sender at once.
 */
export function backoffMs(retry: number, random: () => number): number {
  const ceiling = Math.min(
    BACKOFF_CAP_MS,
    BACKOFF_BASE_MS * BACKOFF_FACTOR ** Math.max(0, retry - 1),
  );
  return Math.round(ceiling * (0.5 + random() / 2));
}
