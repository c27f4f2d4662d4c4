/** How many failed handshakes a source address may make before it is refused for a while. */
export interface FailureLimits {
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly blockMs: number;
  /** Attempts of one address that may wait for room to be checked; beyond, they are refused. */
  readonly maxWaiting: number;
}

/** A slow check counted against its address while it runs; settled once with its outcome. */
export interface Attempt {
  readonly address: string;
}

/** A reservation: granted, refused because the address failed too often, or no room to wait. */
export type Reservation =
  | { readonly kind: "granted"; readonly attempt: Attempt }
  | { readonly kind: "limited" }
  | { readonly kind: "busy" };

interface AddressEntry {
  failures: number;
  /** Slow checks granted and not yet settled. */
  inFlight: number;
  since: number;
  blockedUntil: number;
  readonly waiting: ((reservation: Reservation) => void)[];
}

const MAX_TRACKED = 50_000;

/**
 * Counts failed handshakes per source address; an address that fails `maxFailures` times within
 * the window is refused (429) until the block expires. A slow check (a password's key derivation)
 * counts from the moment it starts, not when it fails: at most `maxFailures` checks of one address
 * are ever running or failed within the window, however many attempts arrive at once. Attempts
 * beyond that wait for a running check to end: a success releases its place (a fleet behind one
 * address gets in, at that many at a time), a failure keeps it and may block the address, which
 * refuses the attempts still waiting. Bounded: idle addresses are forgotten oldest first.
 */
export class FailureLimiter {
  readonly #limits: FailureLimits;
  readonly #addresses = new Map<string, AddressEntry>();

  constructor(limits: FailureLimits) {
    this.#limits = limits;
  }

  /** Whether the address is refused now. */
  blocked(address: string, now: number): boolean {
    return this.#isBlocked(this.#entry(address, now), now);
  }

  /** Records a failure decided without a slow check. */
  fail(address: string, now: number): void {
    this.#failed(this.#entry(address, now), now);
  }

  /** A place for a slow check of `address`: at once, once one frees, or refused. */
  reserve(address: string, now: number): Promise<Reservation> {
    const entry = this.#entry(address, now);
    if (this.#isBlocked(entry, now)) return Promise.resolve({ kind: "limited" });
    if (entry.waiting.length === 0 && this.#hasRoom(entry)) {
      entry.inFlight += 1;
      return Promise.resolve({ kind: "granted", attempt: { address } });
    }
    if (entry.waiting.length >= this.#limits.maxWaiting) return Promise.resolve({ kind: "busy" });
    return new Promise((resolve) => entry.waiting.push(resolve));
  }

  /** Ends a slow check: a failure stays counted (and may block the address), a success does not. */
  settle(attempt: Attempt, failed: boolean, now: number): void {
    const entry = this.#entry(attempt.address, now);
    entry.inFlight = Math.max(0, entry.inFlight - 1);
    if (failed) this.#failed(entry, now);
    while (entry.waiting.length > 0) {
      if (this.#isBlocked(entry, now)) {
        for (const wake of entry.waiting.splice(0)) wake({ kind: "limited" });
        return;
      }
      if (!this.#hasRoom(entry)) return;
      entry.inFlight += 1;
      entry.waiting.shift()?.({ kind: "granted", attempt });
    }
  }

  #hasRoom(entry: AddressEntry): boolean {
    return entry.failures + entry.inFlight < this.#limits.maxFailures;
  }

  #isBlocked(entry: AddressEntry, now: number): boolean {
    return entry.blockedUntil > now || entry.failures >= this.#limits.maxFailures;
  }

  #failed(entry: AddressEntry, now: number): void {
    entry.failures += 1;
    if (entry.failures >= this.#limits.maxFailures) entry.blockedUntil = now + this.#limits.blockMs;
  }

  /** The address's entry, its window restarted if it is over, moved to the newest position. */
  #entry(address: string, now: number): AddressEntry {
    const entry = this.#addresses.get(address) ?? {
      failures: 0,
      inFlight: 0,
      since: now,
      blockedUntil: 0,
      waiting: [],
    };
    if (now - entry.since > this.#limits.windowMs && entry.blockedUntil <= now) {
      entry.failures = 0;
      entry.since = now;
    }
    this.#addresses.delete(address);
    this.#addresses.set(address, entry);
    if (this.#addresses.size > MAX_TRACKED) this.#forgetOldestIdle();
    return entry;
  }

  #forgetOldestIdle(): void {
    for (const [address, entry] of this.#addresses) {
      if (entry.inFlight > 0 || entry.waiting.length > 0) continue;
      this.#addresses.delete(address);
      return;
    }
  }
}
