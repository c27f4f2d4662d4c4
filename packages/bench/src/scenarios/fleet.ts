import { setTimeout as sleep } from "node:timers/promises";
import { gunzipSync } from "node:zlib";
import { KvSnapshotStore } from "@levity/metrics-projector";
import {
  launchGateway,
  launchProjector,
  NatsServerProcess,
  type ParsedMetrics,
  parseMetricsText,
  type ServiceProcess,
  untilHttpOk,
} from "@levity/testkit";
import { connect } from "@nats-io/transport-node";
import type { MixResult } from "../load/load-client.js";
import { LoadPool, processesFor } from "../load/load-pool.js";
import { histogramQuantile, latencyMs } from "../measure/latency.js";
import { cpuSeconds, rssBytes } from "../measure/proc-stats.js";
import { bucketDelta, value } from "../measure/scrape.js";
import { type System, startBaseline, startLevity, withSystem } from "./systems.js";

// Fleet at rest: every process here is capped at 20,000 open files, so one gateway holds about
// 19,900 sockets. (a) One gateway full to that limit, beside ocpp-rpc with as many; (b) a fleet
// over three gateways, one nats-server and one projector, whose /metrics is scraped under load.
// Both carry the realistic mix of load-client.ts: each charge point on its own clock.

/** Sizes, rates and windows of the scenario. */
export interface FleetOptions {
  /** (a): charge points on one gateway; rounds alternate Levity and ocpp-rpc. */
  readonly oneGateway: number;
  readonly rounds: number;
  /** (b): charge points spread evenly over `gateways`. */
  readonly fleet: number;
  readonly gateways: number;
  /** Calls per second of the fleet of (b); (a) gets its share, as many calls per charge point. */
  readonly fleetPerSecond: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  /** (b): how long the projector's /metrics is scraped back to back under the same load. */
  readonly scrapeSeconds: number;
  /** Handshakes in flight over all load processes while connecting. */
  readonly concurrency: number;
}

/** 19,000 on one gateway, 48,000 over three, 1,000 calls/s for 48,000; a tenth when quick. */
export function fleetOptions(quick: boolean): FleetOptions {
  return {
    oneGateway: quick ? 1_900 : 19_000,
    rounds: quick ? 1 : 2,
    fleet: quick ? 4_800 : 48_000,
    gateways: 3,
    fleetPerSecond: 1_000,
    seconds: quick ? 10 : 60,
    warmupSeconds: quick ? 3 : 10,
    scrapeSeconds: quick ? 10 : 30,
    concurrency: 200,
  };
}

/** The realistic mix over one window. */
export interface Traffic {
  readonly askedPerSecond: number;
  readonly callsPerSecond: number;
  readonly calls: number;
  readonly errors: number;
  /** The factor the model's intervals were divided by to make the asked rate. */
  readonly compression: number;
  readonly actions: Readonly<Record<string, number>>;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Resident memory of a server before the fleet, once it is connected, and after the traffic. */
export interface Memory {
  readonly chargePoints: number;
  readonly beforeBytes: number;
  readonly connectedBytes: number;
  readonly afterTrafficBytes: number;
}

/** (a): one system holding the one-gateway fleet. */
export interface OneGatewayRun {
  readonly system: string;
  readonly failed: number;
  readonly connectPerSecond: number;
  readonly memory: Memory;
  readonly traffic: Traffic;
  /** CPU seconds per second over the window, by process (load: all load processes). */
  readonly cores: Readonly<Record<string, number>>;
}

/** The projector's event-to-state lag over a window, from its own histogram. */
export interface Lag {
  readonly events: number;
  readonly p99Ms: number;
  readonly over100Ms: number;
  /** The bucket bound every event was within; absent when some took longer than 10 s. */
  readonly atMostS?: number;
}

/** (b): the fleet over several gateways. */
export interface FleetRun {
  readonly chargePoints: number;
  readonly failed: number;
  readonly connectPerSecond: number;
  readonly loadProcesses: number;
  readonly gateways: readonly { readonly id: string; readonly memory: Memory }[];
  readonly traffic: Traffic;
  readonly cores: Readonly<Record<string, number>>;
  readonly projector: {
    readonly rssBeforeBytes: number;
    readonly rssAfterBytes: number;
    /** Heap in use as the first and the last scrape found it (not after garbage collection). */
    readonly heapBeforeBytes: number;
    readonly heapAfterBytes: number;
    /** The state as the projector stores it: its snapshot when stopped, JSON and gzipped. */
    readonly snapshotJsonBytes: number;
    readonly snapshotGzipBytes: number;
  };
  readonly scrape: {
    /** Two scrapes with no charge point calling: before the window and after it. */
    readonly quietMs: readonly number[];
    /** The scrapes back to back under the mix. */
    readonly count: number;
    readonly medianMs: number;
    readonly maxMs: number;
    readonly bytes: number;
    readonly series: number;
  };
  /** Event application during the warm-up and measured window (no scrape), and while scraping. */
  readonly lag: { readonly quiet: Lag; readonly scraping: Lag };
  /** The realistic mix while the projector was scraped back to back. */
  readonly duringScrapes: Traffic;
}

export interface FleetResult {
  readonly options: FleetOptions;
  readonly oneGateway: readonly OneGatewayRun[];
  readonly fleet: FleetRun;
}

const LAG = "levity_projector_event_lag_seconds";
const SETTLE_MS = 5_000;
// The default admits 10,000 unregistered charge points; the open-file cap, about 19,900.
const MAX_UNREGISTERED = "20000";
const PREFIX = "FLEET-";

const log = (message: string) => process.stderr.write(`[fleet] ${message}\n`);
const round1 = (n: number) => Math.round(n * 10) / 10;
const round3 = (n: number) => Math.round(n * 1000) / 1000;

let addressBlock = 0;
/**
 * Source addresses no earlier pool of this run (nor, likely, of a run a minute ago) used: a closed
 * connection stays in TIME_WAIT for a minute and keeps its bound port from being reused.
 */
function freshAddresses(count: number): string[] {
  addressBlock += 1;
  const base = 100 + (process.pid % 100);
  return Array.from({ length: count }, (_, i) => `127.${base}.${addressBlock}.${i + 1}`);
}

function trafficOf(result: MixResult, askedPerSecond: number): Traffic {
  const latency = latencyMs(result.latency);
  return {
    askedPerSecond: Math.round(askedPerSecond),
    callsPerSecond: Math.round(result.calls / result.seconds),
    calls: result.calls,
    errors: result.errors,
    compression: Math.round(result.compression * 100) / 100,
    actions: result.actions,
    p50Ms: latency.p50,
    p99Ms: latency.p99,
    maxMs: latency.max,
  };
}

/** Runs `run` and returns its result with each role's CPU seconds per second over it. */
async function measured<T>(
  pids: Readonly<Record<string, readonly number[]>>,
  run: () => Promise<T>,
): Promise<{ result: T; cores: Record<string, number> }> {
  const used = () =>
    Object.fromEntries(
      Object.entries(pids).map(([role, ids]) => [
        role,
        ids.reduce((sum, pid) => sum + cpuSeconds(pid), 0),
      ]),
    );
  const before = used();
  const started = performance.now();
  const result = await run();
  const seconds = (performance.now() - started) / 1000;
  const after = used();
  return {
    result,
    cores: Object.fromEntries(
      Object.entries(after).map(([role, cpu]) => [
        role,
        round3((cpu - (before[role] ?? 0)) / seconds),
      ]),
    ),
  };
}

/** (a) for one system: connect and boot the fleet, open its transactions, then the mix. */
async function oneGateway(
  system: System,
  serverPid: number,
  options: FleetOptions,
): Promise<OneGatewayRun> {
  const chargePoints = options.oneGateway;
  const perSecond = (options.fleetPerSecond * chargePoints) / options.fleet;
  const processes = processesFor(chargePoints);
  const pool = await LoadPool.start(processes, freshAddresses(processes));
  try {
    const beforeBytes = rssBytes(serverPid);
    const connected = await pool.connect([system.url], PREFIX, chargePoints, options.concurrency);
    await sleep(SETTLE_MS);
    const connectedBytes = rssBytes(serverPid);
    await pool.startTransactions(options.concurrency);
    await pool.realistic(options.warmupSeconds, perSecond);
    const pids = Object.fromEntries(
      Object.entries(system.pids).map(([role, pid]) => [role, [pid]]),
    );
    const window = await measured({ ...pids, load: pool.pids }, () =>
      pool.realistic(options.seconds, perSecond),
    );
    const afterTrafficBytes = rssBytes(serverPid);
    await pool.close();
    return {
      system: system.name,
      failed: connected.failed,
      connectPerSecond: Math.round(connected.connected / connected.seconds),
      memory: { chargePoints: connected.connected, beforeBytes, connectedBytes, afterTrafficBytes },
      traffic: trafficOf(window.result, perSecond),
      cores: window.cores,
    };
  } finally {
    await pool.stop();
  }
}

/** One scrape of the projector's /metrics: how long, how big, and its own series parsed. */
async function projectorScrape(url: string) {
  const started = performance.now();
  const response = await fetch(url);
  const text = await response.text();
  const ms = performance.now() - started;
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  const lines = text.split("\n");
  const own = lines.filter(
    (line) => line.startsWith("levity_projector_") || line.startsWith("nodejs_heap_size_used_"),
  );
  return {
    ms,
    bytes: Buffer.byteLength(text),
    series: lines.filter((line) => line !== "" && !line.startsWith("#")).length,
    metrics: parseMetricsText(own.join("\n")),
  };
}

function lagBetween(before: ParsedMetrics, after: ParsedMetrics): Lag {
  const deltas = bucketDelta(before, after, LAG);
  const events = deltas.find((bucket) => !Number.isFinite(bucket.le))?.count ?? 0;
  const within100Ms = deltas.find((bucket) => bucket.le === 0.1)?.count ?? 0;
  const atMostS = Math.min(
    ...deltas.filter((bucket) => bucket.count === events).map((bucket) => bucket.le),
  );
  return {
    events,
    p99Ms: round1(histogramQuantile(0.99, deltas) * 1000),
    over100Ms: events - within100Ms,
    ...(Number.isFinite(atMostS) ? { atMostS } : {}),
  };
}

/** The projector's latest snapshot (written when it stopped): its size as stored and as JSON. */
async function snapshotSize(natsUrl: string): Promise<{ json: number; gzip: number }> {
  const connection = await connect({ servers: natsUrl });
  try {
    const store = await KvSnapshotStore.open(connection, "OCPP_EVENTS_SNAPSHOTS");
    const data = await store.load();
    return { json: data ? gunzipSync(data).length : 0, gzip: data?.length ?? 0 };
  } finally {
    await connection.close();
  }
}

/** (b): the fleet over `options.gateways` gateways, one nats-server and one projector. */
async function fleetAcrossGateways(options: FleetOptions): Promise<FleetRun> {
  const chargePoints = options.fleet;
  const perSecond = options.fleetPerSecond;
  const nats = await NatsServerProcess.start();
  const services: ServiceProcess[] = [];
  const processes = processesFor(chargePoints);
  const pool = await LoadPool.start(processes, freshAddresses(processes));
  try {
    const projector = await launchProjector({ NATS_URL: nats.url, LOG_LEVEL: "warn" });
    services.push(projector);
    await untilHttpOk(`${projector.opsUrl}/readyz`, projector.process);
    const ids = Array.from({ length: options.gateways }, (_, i) => `fleet-${i + 1}`);
    const gateways = [];
    for (const id of ids) {
      const gateway = await launchGateway({
        NATS_URL: nats.url,
        GATEWAY_ID: id,
        ALLOW_UNKNOWN: "true",
        MAX_CHARGE_POINTS: MAX_UNREGISTERED,
        PING_INTERVAL: "60",
        LOG_LEVEL: "warn",
      });
      services.push(gateway);
      gateways.push(gateway);
    }
    const gatewayPids = gateways.map((gateway) => gateway.process.pid ?? 0);
    const projectorPid = projector.process.pid ?? 0;
    const metricsUrl = `${projector.opsUrl}/metrics`;
    const empty = await projectorScrape(metricsUrl);
    const rssBefore = gatewayPids.map(rssBytes);
    const projectorRssBefore = rssBytes(projectorPid);

    log(
      `(b) connecting ${chargePoints} over ${gateways.length} gateways, ${processes} load processes`,
    );
    const connected = await pool.connect(
      gateways.map((gateway) => gateway.url),
      PREFIX,
      chargePoints,
      options.concurrency,
    );
    log(`  ${connected.connected} in ${round1(connected.seconds)} s, ${connected.failed} failed`);
    await sleep(SETTLE_MS);
    const rssConnected = gatewayPids.map(rssBytes);
    await pool.startTransactions(options.concurrency);
    await sleep(SETTLE_MS);
    // Scraped while no charge point calls, so no event waits for this render (nor for the one
    // after the window): the lag between them is event application without scrapes.
    const quietStart = await projectorScrape(metricsUrl);
    await pool.realistic(options.warmupSeconds, perSecond);

    log(`(b) the realistic mix at ${perSecond}/s for ${options.seconds} s`);
    const window = await measured(
      {
        ...Object.fromEntries(ids.map((id, i) => [id, [gatewayPids[i] ?? 0]])),
        nats: [nats.pid ?? 0],
        projector: [projectorPid],
        load: pool.pids,
      },
      () => pool.realistic(options.seconds, perSecond),
    );
    const quietEnd = await projectorScrape(metricsUrl);
    const rssAfter = gatewayPids.map(rssBytes);

    log(`(b) scraping the projector back to back for ${options.scrapeSeconds} s under the mix`);
    const scrapes: Awaited<ReturnType<typeof projectorScrape>>[] = [];
    let trafficDone = false;
    const traffic = pool.realistic(options.scrapeSeconds, perSecond).finally(() => {
      trafficDone = true;
    });
    while (!trafficDone) scrapes.push(await projectorScrape(metricsUrl));
    const duringScrapes = await traffic;
    const last = scrapes.at(-1) ?? quietEnd;
    const projectorRssAfter = rssBytes(projectorPid);
    // Stopped before the fleet leaves, so its final snapshot holds the fleet.
    await projector.process.stop("SIGTERM");
    const snapshot = await snapshotSize(nats.url);
    await pool.close();

    const times = scrapes.map((scrape) => scrape.ms).sort((a, b) => a - b);
    const perGateway = chargePoints / gateways.length;
    return {
      chargePoints: connected.connected,
      failed: connected.failed,
      connectPerSecond: Math.round(connected.connected / connected.seconds),
      loadProcesses: processes,
      gateways: ids.map((id, i) => ({
        id,
        memory: {
          chargePoints: perGateway,
          beforeBytes: rssBefore[i] ?? 0,
          connectedBytes: rssConnected[i] ?? 0,
          afterTrafficBytes: rssAfter[i] ?? 0,
        },
      })),
      traffic: trafficOf(window.result, perSecond),
      cores: window.cores,
      projector: {
        rssBeforeBytes: projectorRssBefore,
        rssAfterBytes: projectorRssAfter,
        heapBeforeBytes: value(empty.metrics, "nodejs_heap_size_used_bytes"),
        heapAfterBytes: value(last.metrics, "nodejs_heap_size_used_bytes"),
        snapshotJsonBytes: snapshot.json,
        snapshotGzipBytes: snapshot.gzip,
      },
      scrape: {
        quietMs: [round1(quietStart.ms), round1(quietEnd.ms)],
        count: times.length,
        medianMs: round1(times[Math.floor(times.length / 2)] ?? 0),
        maxMs: round1(times.at(-1) ?? 0),
        bytes: last.bytes,
        series: last.series,
      },
      lag: {
        quiet: lagBetween(quietStart.metrics, quietEnd.metrics),
        scraping: lagBetween(quietEnd.metrics, last.metrics),
      },
      duringScrapes: trafficOf(duringScrapes, perSecond),
    };
  } finally {
    await pool.stop();
    for (const service of services.reverse()) await service.process.stop("SIGTERM");
    await nats.dispose();
  }
}

/** (a) alternating Levity and ocpp-rpc for `rounds`, then (b). */
export async function fleet(options: FleetOptions): Promise<FleetResult> {
  const startFullLevity = () =>
    startLevity({ gateway: true, gatewayEnv: { MAX_CHARGE_POINTS: MAX_UNREGISTERED } });
  const systems: (() => Promise<System>)[] = [startFullLevity, () => startBaseline("ocpp-rpc")];
  const runs: OneGatewayRun[] = [];
  for (let round = 0; round < options.rounds; round++) {
    for (const start of systems) {
      const run = await withSystem(start, (system) => {
        log(`(a) ${system.name}: ${options.oneGateway} charge points on one gateway`);
        return oneGateway(system, system.pids.gateway ?? system.pids.server ?? 0, options);
      });
      log(
        `  ${fmtKiB(perCp(run.memory, "connectedBytes"))} per CP, p99 ${run.traffic.p99Ms} ms, ${JSON.stringify(run.cores)} cores`,
      );
      runs.push(run);
    }
  }
  return { options, oneGateway: runs, fleet: await fleetAcrossGateways(options) };
}

function perCp(memory: Memory, at: "connectedBytes" | "afterTrafficBytes"): number {
  return (memory[at] - memory.beforeBytes) / Math.max(1, memory.chargePoints);
}

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: digits }) : "n/a";
const fmtKiB = (bytes: number) => `${fmt(bytes / 1024, 1)} KiB`;
const fmtMiB = (bytes: number) =>
  bytes < 2 ** 20 ? fmtKiB(bytes) : `${fmt(bytes / 2 ** 20, bytes < 10 * 2 ** 20 ? 1 : 0)} MiB`;
const verdict = (met: boolean) => (met ? "met" : "**missed**");
const mean = (values: readonly number[]) =>
  values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);

function memoryCells(memory: Memory): string[] {
  return [
    `${fmtMiB(memory.beforeBytes)} → ${fmtMiB(memory.connectedBytes)} → ${fmtMiB(memory.afterTrafficBytes)}`,
    `${fmtKiB(perCp(memory, "connectedBytes"))} / ${fmtKiB(perCp(memory, "afterTrafficBytes"))}`,
  ];
}

const latencyCell = (traffic: Traffic) =>
  `${fmt(traffic.p50Ms, 2)} / ${fmt(traffic.p99Ms, 1)} / ${fmt(traffic.maxMs, 1)} ms`;
const coresCell = (cores: Readonly<Record<string, number>>) =>
  Object.entries(cores)
    .map(([role, used]) => `${role} ${fmt(used, 3)}`)
    .join(", ");
const lagCell = (lag: Lag) =>
  `${fmt(lag.events)} events, p99 ${fmt(lag.p99Ms, 1)} ms, ${fmt(lag.over100Ms)} over 100 ms, all within ${lag.atMostS === undefined ? "> 10" : fmt(lag.atMostS, 3)} s`;

/** The scenario's report. */
export function renderFleet(result: FleetResult): string {
  const { options, fleet: run } = result;
  const levity = result.oneGateway.filter((r) => r.system === "levity");
  const gatewayPerCp = Math.max(
    ...levity.flatMap((r) => [
      perCp(r.memory, "connectedBytes"),
      perCp(r.memory, "afterTrafficBytes"),
    ]),
    ...run.gateways.flatMap((g) => [
      perCp(g.memory, "connectedBytes"),
      perCp(g.memory, "afterTrafficBytes"),
    ]),
  );
  const oneP99 = mean(levity.map((r) => r.traffic.p99Ms));
  const stateBytesPerCp = run.projector.snapshotJsonBytes / Math.max(1, run.chargePoints);
  const one = result.oneGateway[0]?.traffic;
  const loadProcesses = run.loadProcesses;
  return [
    `Fleet at rest: the realistic mix (each charge point on its own clock from a random phase: a Heartbeat every 300 s; a meter tick every 60 s, MeterValues while in a transaction; sessions and gaps of 45 min on average, so half the fleet is charging, each start and stop a StartTransaction or StopTransaction and a StatusNotification), its clock run ${fmt(run.traffic.compression, 2)}× fast to make ${fmt(options.fleetPerSecond)} calls/s for ${fmt(options.fleet)} charge points. Load from ${loadProcesses} load process${loadProcesses === 1 ? "" : "es"}, at most 15,000 sockets and one 127.x source address per process.`,
    "",
    `(a) One gateway full to the open-file limit: ${fmt(options.oneGateway)} charge points, ${fmt(one?.askedPerSecond ?? 0)} calls/s for ${options.seconds} s, ${options.rounds} round(s) alternating systems. RSS before → connected → after the traffic; per charge point, connected / after the traffic.`,
    "",
    "| system | held | connects/s | RSS | RSS per CP | calls/s (errors) | p50 / p99 / max | CPU (cores) |",
    "|---|---|---|---|---|---|---|---|",
    ...result.oneGateway.map(
      (r) =>
        `| ${[
          r.system,
          fmt(r.memory.chargePoints),
          fmt(r.connectPerSecond),
          ...memoryCells(r.memory),
          `${fmt(r.traffic.callsPerSecond)} (${fmt(r.traffic.errors)})`,
          latencyCell(r.traffic),
          coresCell(r.cores),
        ].join(" | ")} |`,
    ),
    "",
    `(b) ${options.gateways} gateways on one nats-server and one projector: ${fmt(run.chargePoints)} charge points held (${fmt(run.failed)} failed, ${fmt(run.connectPerSecond)} connects/s), ${fmt(run.traffic.callsPerSecond)} calls/s (${fmt(run.traffic.errors)} errors) for ${options.seconds} s: ${Object.entries(
      run.traffic.actions,
    )
      .map(([action, calls]) => `${fmt(calls)} ${action}`)
      .join(", ")}.`,
    "",
    "| gateway | CPs | RSS | RSS per CP | CPU (cores) |",
    "|---|---|---|---|---|",
    ...run.gateways.map(
      (g) =>
        `| ${g.id} | ${fmt(g.memory.chargePoints)} | ${memoryCells(g.memory).join(" | ")} | ${fmt(run.cores[g.id] ?? 0, 3)} |`,
    ),
    "",
    `- Calls: p50 / p99 / max ${latencyCell(run.traffic)}; nats-server ${fmt(run.cores.nats ?? 0, 3)} cores, projector ${fmt(run.cores.projector ?? 0, 3)}, load ${fmt(run.cores.load ?? 0, 3)}.`,
    `- Projector: RSS ${fmtMiB(run.projector.rssBeforeBytes)} → ${fmtMiB(run.projector.rssAfterBytes)} (${fmtKiB((run.projector.rssAfterBytes - run.projector.rssBeforeBytes) / Math.max(1, run.chargePoints))} per CP); heap in use ${fmtMiB(run.projector.heapBeforeBytes)} → ${fmtMiB(run.projector.heapAfterBytes)} (not after GC); state as snapshotted ${fmtMiB(run.projector.snapshotJsonBytes)} JSON (${fmt(stateBytesPerCp)} bytes per CP), ${fmtMiB(run.projector.snapshotGzipBytes)} gzipped.`,
    `- Scrape of the projector's /metrics at ${fmt(run.chargePoints)} CPs: ${run.scrape.quietMs.map((ms) => `${fmt(ms, 1)} ms`).join(" and ")} with no charge point calling; under the mix, median ${fmt(run.scrape.medianMs, 1)} ms, max ${fmt(run.scrape.maxMs, 1)} ms over ${run.scrape.count} scrapes back to back; ${fmtMiB(run.scrape.bytes)}, ${fmt(run.scrape.series)} series.`,
    `- Event-to-state lag (the projector's histogram), warm-up and ${options.seconds} s window, no scrape: ${lagCell(run.lag.quiet)}; scraped back to back for ${options.scrapeSeconds} s: ${lagCell(run.lag.scraping)}. Calls meanwhile: ${fmt(run.duringScrapes.callsPerSecond)}/s, p50 / p99 / max ${latencyCell(run.duringScrapes)}.`,
    "",
    "| target | measured | verdict |",
    "|---|---|---|",
    `| p99 ≤ 20 ms, one gateway, ${fmt(options.oneGateway)} CPs | ${fmt(oneP99, 1)} ms | ${verdict(oneP99 <= 20)} |`,
    `| p99 ≤ 20 ms, ${fmt(options.fleet)} CPs over ${options.gateways} gateways | ${fmt(run.traffic.p99Ms, 1)} ms | ${verdict(run.traffic.p99Ms <= 20)} |`,
    `| ≤ 10 KiB RSS per CP in a gateway (worst of all gateways, connected or after traffic) | ${fmtKiB(gatewayPerCp)} | ${verdict(gatewayPerCp <= 10 * 1024)} |`,
    `| scrape ≤ 1 s at ${fmt(options.fleet)} CPs (max) | ${fmt(run.scrape.maxMs, 1)} ms | ${verdict(run.scrape.maxMs <= 1000)} |`,
    "",
  ].join("\n");
}
