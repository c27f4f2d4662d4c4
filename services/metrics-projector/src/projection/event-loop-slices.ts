/**
 * Charge points a walk over the whole projection (a scrape, an API list) handles between two
 * yields to the event loop, so that it never holds up event application for long. The state is
 * an immutable value: a walk that spans several turns still reads one consistent state.
 */
export const CPS_PER_SLICE = 2_000;

/** Lets the event loop run what waits (events to apply, requests) before going on. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
