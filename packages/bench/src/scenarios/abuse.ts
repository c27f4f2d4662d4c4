import type { ParsedMetrics } from "@levity/testkit";
import type { AbuseStats } from "../load/abuse-client.js";
import { AbuseDriver } from "../load/abuse-driver.js";
import { type CallsResult, LoadDriver } from "../load/load-driver.js";
import { latencyMs } from "../measure/latency.js";
import { cpuSeconds, rssBytes } from "../measure/proc-stats.js";
import { scrapeMetrics, value } from "../measure/scrape.js";
import type { Levity } from "./systems.js";

/** Heartbeat round trips of the well-behaved charge points in one window. */
export interface NeighbourLatency {
  readonly calls: number;
  readonly errors: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Well-behaved charge points beside abusive ones, and the gateway's memory through it. */
export interface AbuseResult {
  readonly neighbours: number;
  readonly heartbeatsPerSecond: number;
  readonly abusers: number;
  readonly abuseSeconds: number;
  readonly alone: NeighbourLatency;
  readonly underAbuse: NeighbourLatency;
  /** Once the abusers have stopped and their sessions are gone. */
  readonly after: NeighbourLatency;
  readonly abuse: AbuseStats;
  /** Sessions the gateway ended during the abuse, by reason. */
  readonly gatewayClosed: Readonly<Record<string, number>>;
  readonly framesIgnored: number;
  readonly callErrors: number;
  /** Cores each process used during the abuse (CPU seconds per second), by role. */
  readonly coresUnderAbuse: Readonly<Record<string, number>>;
  readonly rssBeforeBytes: number;
  /** Sampled at the end of each quarter of the abuse: equal quarters mean no growth. */
  readonly rssQuartersBytes: readonly number[];
  readonly rssPeakBytes: number;
  readonly rssAfterBytes: number;
}

/** How many neighbours, at what rate, beside how many abusers, for how long. */
export interface AbuseOptions {
  readonly neighbours: number;
  readonly heartbeatsPerSecond: number;
  readonly abusers: number;
  readonly aloneSeconds: number;
  readonly abuseSeconds: number;
}

/** The scenario's sizes: 50 neighbours beside 20 abusers; shorter windows when quick. */
export function abuseOptions(quick: boolean): AbuseOptions {
  return {
    neighbours: 50,
    heartbeatsPerSecond: 500,
    abusers: 20,
    aloneSeconds: quick ? 5 : 20,
    abuseSeconds: quick ? 10 : 60,
  };
}

function latencyOf(result: CallsResult): NeighbourLatency {
  const latency = latencyMs(result.latency);
  return {
    calls: result.calls,
    errors: result.errors,
    p50Ms: latency.p50,
    p99Ms: latency.p99,
    maxMs: latency.max,
  };
}

/** Increments of one counter between two scrapes, by the value of `label`. */
function deltaBy(before: ParsedMetrics, after: ParsedMetrics, name: string, label: string) {
  const start = new Map(
    before.samples.filter((s) => s.name === name).map((s) => [s.labels[label], s.value]),
  );
  const deltas: Record<string, number> = {};
  for (const sample of after.samples.filter((s) => s.name === name)) {
    const key = sample.labels[label] ?? "";
    const delta = sample.value - (start.get(key) ?? 0);
    if (delta > 0) deltas[key] = delta;
  }
  return deltas;
}

const sum = (values: Readonly<Record<string, number>>) =>
  Object.values(values).reduce((total, v) => total + v, 0);

/** Waits until the gateway holds exactly the neighbours' sessions again. */
async function untilOnly(levity: Levity, sessions: number): Promise<void> {
  for (;;) {
    const metrics = await scrapeMetrics(`${levity.gatewayOps}/metrics`);
    if (value(metrics, "levity_gateway_connections") === sessions) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Times the Heartbeats of well-behaved charge points alone, then while abusive clients send
 * garbage, floods, oversized and deeply nested frames and invalid UTF-8, reconnecting each time,
 * then after; and reads the gateway's resident memory before, at its peak, and after.
 */
export async function abuse(levity: Levity, options: AbuseOptions): Promise<AbuseResult> {
  const pid = levity.pids.gateway ?? 0;
  const driver = await LoadDriver.start();
  const abusers = await AbuseDriver.start();
  const heartbeats = (seconds: number) =>
    driver.paced(seconds, options.heartbeatsPerSecond, "heartbeat").then(latencyOf);
  try {
    await driver.connect(levity.url, "NEIGHBOUR-", 0, options.neighbours, 10);
    await heartbeats(2);
    const alone = await heartbeats(options.aloneSeconds);
    const before = await scrapeMetrics(`${levity.gatewayOps}/metrics`);
    const rssBeforeBytes = rssBytes(pid);
    let rssPeakBytes = rssBeforeBytes;
    const sampler = setInterval(() => {
      rssPeakBytes = Math.max(rssPeakBytes, rssBytes(pid));
    }, 250);
    const rssQuartersBytes: number[] = [];
    const quarters = [1, 2, 3].map((quarter) =>
      setTimeout(() => rssQuartersBytes.push(rssBytes(pid)), quarter * options.abuseSeconds * 250),
    );
    const pids: Record<string, number> = {
      ...levity.pids,
      neighbours: driver.pid,
      abusers: abusers.pid,
    };
    const cpuBefore = Object.entries(pids).map(([role, p]) => [role, cpuSeconds(p)] as const);
    await abusers.begin(levity.url, options.abusers);
    const underAbuse = await heartbeats(options.abuseSeconds);
    rssQuartersBytes.push(rssBytes(pid));
    for (const quarter of quarters) clearTimeout(quarter);
    const coresUnderAbuse = Object.fromEntries(
      cpuBefore.map(([role, used]) => [
        role,
        Math.round(((cpuSeconds(pids[role] ?? 0) - used) / options.abuseSeconds) * 100) / 100,
      ]),
    );
    const stats = await abusers.finish();
    clearInterval(sampler);
    const during = await scrapeMetrics(`${levity.gatewayOps}/metrics`);
    await untilOnly(levity, options.neighbours);
    const after = await heartbeats(options.aloneSeconds);
    const rssAfterBytes = rssBytes(pid);
    await driver.close();
    return {
      neighbours: options.neighbours,
      heartbeatsPerSecond: options.heartbeatsPerSecond,
      abusers: options.abusers,
      abuseSeconds: options.abuseSeconds,
      alone,
      underAbuse,
      after,
      abuse: stats,
      gatewayClosed: deltaBy(before, during, "levity_gateway_sessions_closed_total", "reason"),
      framesIgnored: sum(deltaBy(before, during, "levity_gateway_frames_ignored_total", "reason")),
      callErrors: sum(deltaBy(before, during, "levity_gateway_callerrors_sent_total", "code")),
      coresUnderAbuse,
      rssBeforeBytes,
      rssQuartersBytes,
      rssPeakBytes,
      rssAfterBytes,
    };
  } finally {
    await abusers.stop();
    await driver.stop();
  }
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const ms = (latency: NeighbourLatency) =>
  `${latency.p50Ms} / ${latency.p99Ms} ms (max ${latency.maxMs}), ${latency.calls} calls, ${latency.errors} errors`;

/** The scenario's figures as a Markdown section of the report. */
export function renderAbuse(result: AbuseResult): string {
  const perSecond = (n: number) => Math.round(n / result.abuseSeconds).toLocaleString("en-US");
  return [
    `Neighbours under abuse: ${result.neighbours} charge points, ${result.heartbeatsPerSecond} Heartbeats/s in all, beside ${result.abusers} abusive clients for ${result.abuseSeconds} s.`,
    "",
    "| figure | value |",
    "|---|---|",
    `| Heartbeat p50 / p99, neighbours alone | ${ms(result.alone)} |`,
    `| Heartbeat p50 / p99, under abuse | ${ms(result.underAbuse)} |`,
    `| Heartbeat p50 / p99, after the abuse | ${ms(result.after)} |`,
    `| abuse: connections / frames / MiB per second | ${perSecond(result.abuse.connections)} / ${perSecond(result.abuse.frames)} / ${(result.abuse.bytes / 2 ** 20 / result.abuseSeconds).toFixed(1)} |`,
    `| abuse: close codes seen by the abusers | ${JSON.stringify(result.abuse.closes)} |`,
    `| gateway: sessions ended, by reason | ${JSON.stringify(result.gatewayClosed)} |`,
    `| gateway: frames ignored / CALLERRORs sent | ${result.framesIgnored.toLocaleString("en-US")} / ${result.callErrors.toLocaleString("en-US")} |`,
    `| cores used under abuse, by process | ${JSON.stringify(result.coresUnderAbuse)} |`,
    `| gateway RSS before / peak / after | ${mib(result.rssBeforeBytes)} / ${mib(result.rssPeakBytes)} / ${mib(result.rssAfterBytes)} MiB |`,
    `| gateway RSS at each quarter of the abuse | ${result.rssQuartersBytes.map(mib).join(" / ")} MiB |`,
    "",
  ].join("\n");
}
