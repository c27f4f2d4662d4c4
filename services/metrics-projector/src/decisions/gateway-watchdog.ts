import { EVENT_VERSION, type EventOf } from "@levity/events";
import type { ProjectionState } from "../state/projection-state.js";

interface Observation {
  readonly instance: string;
  readonly lastAliveAt: number;
  /** When this projector saw that alive event applied, on its own clock. */
  readonly at: number;
}

/**
 * Decides, from this projector's clock, which gateways stopped sending alive events. Staleness is
 * measured from when an alive event was *applied here*, so a skewed gateway clock cannot trigger
 * it, and up to the moment the projection is *known to hold every stored message*, so a projector
 * that is behind or stalled cannot mistake its own delay for the gateway's silence. Time during
 * which the projection was not known to be current does not count at all (`hold`): a gateway
 * cannot store alive events while the stream is unreachable either. The decision becomes a
 * `gateway.lost` event whose id depends only on the stale alive event, so two projector replicas
 * deciding the same thing store it once.
 */
export class GatewayWatchdog {
  readonly #timeoutMs: number;
  readonly #now: () => number;
  readonly #observed = new Map<string, Observation>();
  #heldAt = Number.NEGATIVE_INFINITY;

  constructor(timeoutMs: number, now: () => number) {
    this.#timeoutMs = timeoutMs;
    this.#now = now;
  }

  /** The projection is not known to be current now: silence until the next check does not count. */
  hold(): void {
    this.#heldAt = this.#now();
  }

  /**
   * The gateway.lost events due for `state`, which is known to hold every message stored up to
   * `currentAsOf` (this projector's clock).
   */
  check(state: ProjectionState, currentAsOf: number): EventOf<"gateway.lost">[] {
    const now = this.#now();
    const lost: EventOf<"gateway.lost">[] = [];
    for (const [gatewayId, gateway] of state.gateways) {
      if (!gateway.up) {
        this.#observed.delete(gatewayId);
        continue;
      }
      const seen = this.#observed.get(gatewayId);
      if (!seen || seen.instance !== gateway.instance || seen.lastAliveAt !== gateway.lastAliveAt) {
        this.#observed.set(gatewayId, {
          instance: gateway.instance,
          lastAliveAt: gateway.lastAliveAt,
          at: now,
        });
        continue;
      }
      if (currentAsOf - Math.max(seen.at, this.#heldAt) < this.#timeoutMs) continue;
      lost.push({
        id: gatewayLostId(gatewayId, gateway.instance, gateway.lastAliveAt),
        type: "gateway.lost",
        v: EVENT_VERSION,
        gatewayId,
        ts: now,
        payload: { instance: gateway.instance, lastAliveAt: gateway.lastAliveAt },
      });
    }
    return lost;
  }
}

/** The deterministic id of the decision that a gateway instance was lost after a given alive event. */
export function gatewayLostId(gatewayId: string, instance: string, lastAliveAt: number): string {
  return `gateway-lost/${gatewayId}/${instance}/${lastAliveAt}`;
}
