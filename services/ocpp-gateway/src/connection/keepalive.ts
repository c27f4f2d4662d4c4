import type { SessionRegistry } from "../session/session-registry.js";

/**
 * Pings every session each interval with one timer for the whole gateway (no per-socket timers);
 * a session that showed no sign of life since the previous ping is terminated.
 */
export function startKeepalive(registry: SessionRegistry, intervalMs: number): () => void {
  if (intervalMs <= 0) return () => {};
  const timer = setInterval(() => {
    for (const session of registry.sessions()) {
      if (!session.alive) {
        session.close("ping-timeout");
        continue;
      }
      session.alive = false;
      session.ping();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
