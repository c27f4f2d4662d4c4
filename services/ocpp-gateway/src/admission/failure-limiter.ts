/** How many failed handshakes a source address may make before it is refused for a while. */
export interface FailureLimits {
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly blockMs: number;
}

/** An attempt counted against its address while it is decided; settled once with its outcome. */
export interface Attempt {
  readonly address: string;
}

interface AddressEntry {
  failures: number;
  /** Attempts reserved and not yet settled. */
  inFlight: number;
  since: number;
  blockedUntil: number;
}

const MAX_TRACKED = 50_000;

/**
 * Counts handshake attempts per source address. An attempt counts from the moment it is admitted
 * for checking, not when its (slow) credential check fails: at most `maxFailures` attempts of one
 * address are ever in flight or failed within the window, however many arrive at once. An address
 * that fails `maxFailures` times is refused (429) until the block expires. A successful attempt
 * releases its count. Bounded: the oldest addresses are forgotten first.
 */
export class FailureLimiter {
  readonly #limits: FailureLimits;
  readonly #addresses = new Map<string, AddressEntry>();

  constructor(limits: FailureLimits) {
    this.#limits = limits;
  }

  /** Counts an attempt from `address`, or refuses it (undefined) when the address has no room. */
  reserve(address: string, now: number): Attempt | undefined {
    const entry = this.#entry(address, now);
    if (entry.blockedUntil > now) return undefined;
    if (entry.failures + entry.inFlight >= this.#limits.maxFailures) return undefined;
    entry.inFlight += 1;
    return { address };
  }

  /** Settles an attempt: a failure stays counted (and may block the address), a success does not. */
  settle(attempt: Attempt, failed: boolean, now: number): void {
    const entry = this.#entry(attempt.address, now);
    entry.inFlight = Math.max(0, entry.inFlight - 1);
    if (!failed) return;
    entry.failures += 1;
    if (entry.failures >= this.#limits.maxFailures) entry.blockedUntil = now + this.#limits.blockMs;
  }

  /** The address's entry, its window restarted if it is over, moved to the newest position. */
  #entry(address: string, now: number): AddressEntry {
    const known = this.#addresses.get(address);
    const entry = known ?? { failures: 0, inFlight: 0, since: now, blockedUntil: 0 };
    if (now - entry.since > this.#limits.windowMs) {
      entry.failures = 0;
      entry.since = now;
    }
    this.#addresses.delete(address);
    this.#addresses.set(address, entry);
    if (this.#addresses.size > MAX_TRACKED)
      this.#addresses.delete(this.#addresses.keys().next().value as string);
    return entry;
  }
}
