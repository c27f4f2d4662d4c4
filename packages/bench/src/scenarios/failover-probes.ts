import { readdir } from "node:fs/promises";
import {
  LEVITY_PROGRAMS,
  type ParsedMetrics,
  parseMetricsText,
  type SpawnedProcess,
  sampleValue,
  scrapeMetrics,
  spawnProcess,
} from "@levity/testkit";

// What the failover scenario reads while it runs: the simulators' counters, the gateways' and
// HAProxy's /metrics, and the projector's charge-point API and /metrics.

/** Counters by key (action, error code, cause). */
export type Counts = Readonly<Record<string, number>>;

/** What levity-sim processes counted so far, together (their `--stats-interval` lines). */
export interface SimCounters {
  readonly connected: number;
  readonly connectFailuresByReason: Counts;
  readonly reconnects: number;
  readonly callsByAction: Counts;
  readonly callErrors: Counts;
}

const NO_COUNTERS: SimCounters = {
  connected: 0,
  connectFailuresByReason: {},
  reconnects: 0,
  callsByAction: {},
  callErrors: {},
};

function addCounts(a: Counts, b: Counts, sign = 1): Counts {
  const sum: Record<string, number> = { ...a };
  for (const [key, count] of Object.entries(b)) sum[key] = (sum[key] ?? 0) + sign * count;
  return Object.fromEntries(Object.entries(sum).filter(([, count]) => count !== 0));
}

/** `after - before`, keys that did not change left out. */
export function countsSince(before: Counts, after: Counts): Counts {
  return addCounts(after, before, -1);
}

/** A levity-sim process printing its counters every 200 ms. */
export function startSimulator(args: readonly string[]): SpawnedProcess {
  return spawnProcess(process.execPath, [LEVITY_PROGRAMS.sim, ...args, "--stats-interval", "0.2"]);
}

/** The last whole counters line of one simulator (none yet: all zero). */
function latestLine(sim: SpawnedProcess): SimCounters {
  const output = sim.output;
  // The last line may still be being written: the last one that ends is the latest whole one.
  const end = output.lastIndexOf("\n");
  const start = end < 0 ? -1 : output.lastIndexOf('{"at":', end);
  if (start < 0) return NO_COUNTERS;
  return JSON.parse(output.slice(start, output.indexOf("\n", start))) as SimCounters;
}

/** The simulators' counters, summed. */
export function simCounters(sims: readonly SpawnedProcess[]): SimCounters {
  return sims.map(latestLine).reduce(
    (sum, next) => ({
      connected: sum.connected + next.connected,
      connectFailuresByReason: addCounts(sum.connectFailuresByReason, next.connectFailuresByReason),
      reconnects: sum.reconnects + next.reconnects,
      callsByAction: addCounts(sum.callsByAction, next.callsByAction),
      callErrors: addCounts(sum.callErrors, next.callErrors),
    }),
    NO_COUNTERS,
  );
}

/** A gateway's /metrics, the parts the scenario reads. */
export interface GatewayReading {
  readonly connections: number;
  readonly calls: Counts;
  readonly callErrorsSent: Counts;
  readonly handshakesRejected: Counts;
}

function byLabel(metrics: ParsedMetrics, name: string, label: string): Counts {
  const counts: Record<string, number> = {};
  for (const sample of metrics.samples)
    if (sample.name === name) counts[sample.labels[label] ?? ""] = sample.value;
  return counts;
}

export async function readGateway(opsUrl: string): Promise<GatewayReading> {
  const metrics = await scrapeMetrics(`${opsUrl}/metrics`);
  return {
    connections: sampleValue(metrics, "levity_gateway_connections") ?? 0,
    calls: byLabel(metrics, "levity_gateway_calls_total", "action"),
    callErrorsSent: byLabel(metrics, "levity_gateway_callerrors_sent_total", "code"),
    handshakesRejected: byLabel(metrics, "levity_gateway_handshakes_rejected_total", "reason"),
  };
}

/** The projector's charge-point API (GET /v1/charge-points), with its bearer token. */
export class ChargePointApi {
  readonly #base: string;
  readonly #token: string;
  /** The slowest count so far, ms. */
  slowestMs = 0;

  constructor(base: string, token: string) {
    this.#base = base;
    this.#token = token;
  }

  async #page(
    query: string,
  ): Promise<{ items: { id: string }[]; total: number; next: string | null }> {
    const response = await fetch(`${this.#base}/v1/charge-points?${query}`, {
      headers: { authorization: `Bearer ${this.#token}` },
    });
    if (!response.ok) throw new Error(`GET /v1/charge-points?${query}: ${response.status}`);
    return (await response.json()) as {
      items: { id: string }[];
      total: number;
      next: string | null;
    };
  }

  /**
   * How many charge points pass `filter`. The page asked for is after "~", past every identity, so
   * the projector only counts: it neither sorts nor renders charge points.
   */
  async count(filter: string): Promise<number> {
    const started = performance.now();
    const { total } = await this.#page(`${filter}&limit=1&after=~`);
    this.slowestMs = Math.max(this.slowestMs, performance.now() - started);
    return total;
  }

  /** The identities of every charge point passing `filter`. */
  async ids(filter: string): Promise<string[]> {
    const ids: string[] = [];
    for (let after: string | null = ""; after !== null; ) {
      const page = await this.#page(`${filter}&limit=1000${after ? `&after=${after}` : ""}`);
      ids.push(...page.items.map((item) => item.id));
      after = page.next;
    }
    return ids;
  }
}

/** The projector's /metrics, the parts the scenario reads, and how long it took to answer. */
export interface ProjectorReading {
  readonly scrapeMs: number;
  readonly disconnects: ReadonlyMap<string, number>;
  readonly gatewayUp: Counts;
  readonly lostDecisions: number;
}

const PROJECTOR_SERIES = [
  "ocpp_cp_disconnects_total{",
  "ocpp_gateway_up{",
  "levity_projector_decisions_total{",
];

export async function readProjector(opsUrl: string): Promise<ProjectorReading> {
  const started = performance.now();
  const response = await fetch(`${opsUrl}/metrics`);
  const text = await response.text();
  const scrapeMs = Math.round(performance.now() - started);
  // Tens of thousands of charge points' series: only the three families read here are parsed.
  const wanted = text
    .split("\n")
    .filter((line) => PROJECTOR_SERIES.some((prefix) => line.startsWith(prefix)));
  const metrics = parseMetricsText(wanted.join("\n"));
  const disconnects = new Map<string, number>();
  for (const sample of metrics.samples)
    if (sample.name === "ocpp_cp_disconnects_total")
      disconnects.set(sample.labels.cp_id ?? "", sample.value);
  return {
    scrapeMs,
    disconnects,
    gatewayUp: byLabel(metrics, "ocpp_gateway_up", "gateway_id"),
    lostDecisions:
      sampleValue(metrics, "levity_projector_decisions_total", { type: "gateway.lost" }) ?? 0,
  };
}

/** What HAProxy counted on its gateways' backend (its Prometheus exporter). */
export interface ProxyReading {
  readonly connectionErrors: number;
  readonly retries: number;
  readonly redispatches: number;
  readonly responses5xx: number;
}

export async function readProxy(statsUrl: string): Promise<ProxyReading> {
  const metrics = await scrapeMetrics(`${statsUrl}/metrics`);
  const backend = (name: string, labels: Record<string, string> = {}) =>
    sampleValue(metrics, name, { proxy: "gateways", ...labels }) ?? 0;
  return {
    connectionErrors: backend("haproxy_backend_connection_errors_total"),
    retries: backend("haproxy_backend_retry_warnings_total"),
    redispatches: backend("haproxy_backend_redispatch_warnings_total"),
    responses5xx:
      sampleValue(metrics, "haproxy_frontend_http_responses_total", {
        proxy: "ocpp",
        code: "5xx",
      }) ?? 0,
  };
}

/** Open file descriptors of a process. */
export async function openFiles(pid: number): Promise<number> {
  return (await readdir(`/proc/${pid}/fd`)).length;
}
