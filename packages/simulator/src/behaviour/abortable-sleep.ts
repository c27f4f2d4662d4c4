import { setMaxListeners } from "node:events";
import { setTimeout as delay } from "node:timers/promises";

/** Runs `run` once `signal` aborts, at once if it already has (an abort event never fires twice). */
export function onAbort(signal: AbortSignal, run: () => void): void {
  if (signal.aborted) run();
  else signal.addEventListener("abort", run, { once: true });
}

/**
 * A signal of its own that aborts when `signal` does. Adding a listener to a signal looks through
 * all of its listeners (Node's EventTarget): 9,000 charge points sleeping on one shared signal
 * spent half of a simulator's CPU there, and made its handshakes time out. Each charge point
 * listening to a signal of its own costs the shared one a single listener.
 */
export function ownSignal(signal: AbortSignal): AbortSignal {
  const own = new AbortController();
  // One charge point's loops (a charging loop per connector...) may listen at once.
  setMaxListeners(0, own.signal);
  onAbort(signal, () => own.abort());
  return own.signal;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Waits `ms`; resolves false instead of throwing when `signal` aborts first. */
export async function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    // Node fires a longer timer at once (with a warning); a wait of 24.8 days is as good as forever.
    await delay(Math.min(Math.max(0, ms), MAX_TIMER_MS), undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
