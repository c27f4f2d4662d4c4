/** How many failed handshakes a source address may make before it is refused for a while. */
export interface FailureLimits {
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly blockMs: number;
}

const MAX_TRACKED = 50_000;

/**
 * Counts failed handshakes per source address; an address that fails too often within the window
 * is refused (429) until the block expires. Bounded: the oldest addresses are forgotten first.
 */
export class FailureLimiter {
  readonly #limits: FailureLimits;
  readonly #addresses = new Map<
    string,
    { failures: number; since: number; blockedUntil: number }
  >();

  constructor(limits: FailureLimits) {
    this.#limits = limits;
  }

  blocked(address: string, now: number): boolean {
    return (this.#addresses.get(address)?.blockedUntil ?? 0) > now;
  }

  fail(address: string, now: number): void {
    const entry = this.#addresses.get(address);
    const fresh = !entry || now - entry.since > this.#limits.windowMs;
    const failures = fresh ? 1 : entry.failures + 1;
    const since = fresh ? now : entry.since;
    const blockedUntil =
      failures >= this.#limits.maxFailures
        ? now + this.#limits.blockMs
        : (entry?.blockedUntil ?? 0);
    this.#addresses.delete(address);
    this.#addresses.set(address, { failures, since, blockedUntil });
    if (this.#addresses.size > MAX_TRACKED)
      this.#addresses.delete(this.#addresses.keys().next().value as string);
  }
}
