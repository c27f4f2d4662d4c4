import * as hdr from "hdr-histogram-js";

/** Ways a server can misbehave that make `levity-sim` exit non-zero. */
export interface Misbehaviour {
  schemaInvalid: number;
  unexpectedCallError: number;
  timeouts: number;
}

/** What a run, or part of one, counted: mergeable across workers. */
export interface StatsSnapshot {
  readonly connects: number;
  readonly connectFailures: number;
  /** Failed connection attempts by cause: a socket error code (ECONNREFUSED...) or `HTTP <status>`. */
  readonly connectFailuresByReason: Readonly<Record<string, number>>;
  readonly reconnects: number;
  readonly connected: number;
  readonly calls: Readonly<Record<string, number>>;
  /** Calls by the protocol of the charge point that sent them. */
  readonly callsByProtocol: Readonly<Record<string, number>>;
  readonly results: number;
  readonly callErrors: Readonly<Record<string, number>>;
  readonly misbehaviour: Readonly<Misbehaviour>;
  /** Call latencies, microseconds, as an encoded HDR histogram. */
  readonly latency: string;
}

function newHistogram(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

function add(into: Record<string, number>, key: string, count = 1): void {
  into[key] = (into[key] ?? 0) + count;
}

/** Counters of a simulation: connections, calls, answers, misbehaviour and latency. */
export class FleetStats {
  connects = 0;
  connectFailures = 0;
  reconnects = 0;
  connected = 0;
  results = 0;
  readonly connectFailuresByReason: Record<string, number> = {};
  readonly calls: Record<string, number> = {};
  readonly callsByProtocol: Record<string, number> = {};
  readonly callErrors: Record<string, number> = {};
  readonly misbehaviour: Misbehaviour = { schemaInvalid: 0, unexpectedCallError: 0, timeouts: 0 };
  readonly #latency = newHistogram();

  connectFailed(reason: string): void {
    this.connectFailures += 1;
    add(this.connectFailuresByReason, reason);
  }

  called(action: string, protocol: string): void {
    add(this.calls, action);
    add(this.callsByProtocol, protocol);
  }

  answered(latencyMs: number): void {
    this.results += 1;
    this.#latency.recordValue(Math.max(1, Math.round(latencyMs * 1000)));
  }

  callError(code: string, expected: boolean): void {
    add(this.callErrors, code);
    if (!expected) this.misbehaviour.unexpectedCallError += 1;
  }

  /** Calls sent so far, all actions together. */
  get totalCalls(): number {
    return Object.values(this.calls).reduce((sum, count) => sum + count, 0);
  }

  get misbehaved(): number {
    const { schemaInvalid, unexpectedCallError, timeouts } = this.misbehaviour;
    return schemaInvalid + unexpectedCallError + timeouts;
  }

  snapshot(): StatsSnapshot {
    return {
      connects: this.connects,
      connectFailures: this.connectFailures,
      connectFailuresByReason: { ...this.connectFailuresByReason },
      reconnects: this.reconnects,
      connected: this.connected,
      calls: { ...this.calls },
      callsByProtocol: { ...this.callsByProtocol },
      results: this.results,
      callErrors: { ...this.callErrors },
      misbehaviour: { ...this.misbehaviour },
      latency: hdr.encodeIntoCompressedBase64(this.#latency),
    };
  }
}

/** One summary of several runs' counters (the workers of one simulation). */
export function mergeStats(parts: readonly StatsSnapshot[]): StatsSnapshot {
  const calls: Record<string, number> = {};
  const callsByProtocol: Record<string, number> = {};
  const callErrors: Record<string, number> = {};
  const connectFailuresByReason: Record<string, number> = {};
  const misbehaviour: Misbehaviour = { schemaInvalid: 0, unexpectedCallError: 0, timeouts: 0 };
  const latency = newHistogram();
  let connects = 0;
  let connectFailures = 0;
  let reconnects = 0;
  let connected = 0;
  let results = 0;
  for (const part of parts) {
    connects += part.connects;
    connectFailures += part.connectFailures;
    reconnects += part.reconnects;
    connected += part.connected;
    results += part.results;
    for (const [action, count] of Object.entries(part.calls)) add(calls, action, count);
    for (const [protocol, count] of Object.entries(part.callsByProtocol))
      add(callsByProtocol, protocol, count);
    for (const [code, count] of Object.entries(part.callErrors)) add(callErrors, code, count);
    for (const [reason, count] of Object.entries(part.connectFailuresByReason))
      add(connectFailuresByReason, reason, count);
    misbehaviour.schemaInvalid += part.misbehaviour.schemaInvalid;
    misbehaviour.unexpectedCallError += part.misbehaviour.unexpectedCallError;
    misbehaviour.timeouts += part.misbehaviour.timeouts;
    latency.add(hdr.decodeFromCompressedBase64(part.latency, 32, false));
  }
  return {
    connects,
    connectFailures,
    connectFailuresByReason,
    reconnects,
    connected,
    calls,
    callsByProtocol,
    results,
    callErrors,
    misbehaviour,
    latency: hdr.encodeIntoCompressedBase64(latency),
  };
}

/** Latency percentiles of a snapshot, milliseconds. */
export function latencyPercentiles(snapshot: StatsSnapshot): {
  p50: number;
  p90: number;
  p99: number;
  max: number;
} {
  const histogram = hdr.decodeFromCompressedBase64(snapshot.latency, 32, false);
  const ms = (microseconds: number) => Math.round(microseconds) / 1000;
  return {
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p99: ms(histogram.getValueAtPercentile(99)),
    max: ms(histogram.maxValue),
  };
}
