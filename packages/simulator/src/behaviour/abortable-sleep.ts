import { setTimeout as delay } from "node:timers/promises";

/** Runs `run` once `signal` aborts, at once if it already has (an abort event never fires twice). */
export function onAbort(signal: AbortSignal, run: () => void): void {
  if (signal.aborted) run();
  else signal.addEventListener("abort", run, { once: true });
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
