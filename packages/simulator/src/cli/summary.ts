import { latencyPercentiles, type StatsSnapshot } from "../fleet/fleet-stats.js";

/** The JSON summary levity-sim prints at the end of a run. */
export function summarise(
  snapshot: StatsSnapshot,
  run: { url: string; mode: string; chargePoints: number; seed: number; seconds: number },
) {
  const calls = Object.values(snapshot.calls).reduce((sum, count) => sum + count, 0);
  const { schemaInvalid, unexpectedCallError, timeouts } = snapshot.misbehaviour;
  return {
    ...run,
    seconds: Math.round(run.seconds * 100) / 100,
    connects: snapshot.connects,
    connectFailures: snapshot.connectFailures,
    connectFailuresByReason: snapshot.connectFailuresByReason,
    reconnects: snapshot.reconnects,
    calls,
    callsPerSecond: run.seconds > 0 ? Math.round(calls / run.seconds) : 0,
    callsByAction: snapshot.calls,
    callsByProtocol: snapshot.callsByProtocol,
    results: snapshot.results,
    callErrors: snapshot.callErrors,
    misbehaviour: snapshot.misbehaviour,
    misbehaved: schemaInvalid + unexpectedCallError + timeouts > 0,
    latencyMs: latencyPercentiles(snapshot),
  };
}

/** The one-line progress shown on a terminal. */
export function progressLine(snapshot: StatsSnapshot, callsPerSecond: number): string {
  const errors = Object.values(snapshot.callErrors).reduce((sum, count) => sum + count, 0);
  const { schemaInvalid, unexpectedCallError, timeouts } = snapshot.misbehaviour;
  return `connected ${snapshot.connected}  calls ${callsPerSecond}/s  CALLERRORs ${errors}  misbehaviour ${schemaInvalid + unexpectedCallError + timeouts}`;
}

/** The counters so far, as the one JSON line `--stats-interval` prints (`at`: unix ms). */
export function statsLine(snapshot: StatsSnapshot, at: number): string {
  const { connected, connects, connectFailures, connectFailuresByReason, reconnects } = snapshot;
  return `${JSON.stringify({
    at,
    connected,
    connects,
    connectFailures,
    connectFailuresByReason,
    reconnects,
    callsByAction: snapshot.calls,
    callErrors: snapshot.callErrors,
    misbehaviour: snapshot.misbehaviour,
  })}\n`;
}
