import { LoadDriver } from "../load/load-driver.js";
import { identityPrefix, type LoadProtocol } from "../load/messages.js";
import { histogramQuantile, latencyMs } from "../measure/latency.js";
import { cpuSeconds } from "../measure/proc-stats.js";
import { bucketDelta, scrapeMetrics, value } from "../measure/scrape.js";
import type { Levity, System } from "./systems.js";

/** Steady back-to-back (or paced) calls through one system. */
export interface SteadyResult {
  readonly system: string;
  readonly chargePoints: number;
  readonly callsPerSecond: number;
  readonly errors: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** CPU microseconds per call, by process role, plus `system` (their sum) and `client`. */
  readonly cpuUsPerCall: Readonly<Record<string, number>>;
  /** Levity only: event-to-state lag p99 (ms) and events stored per commit. */
  readonly lagP99Ms?: number;
  readonly eventsPerCommit?: number;
}

/**
 * Connects `chargePoints`, warms up, then measures `seconds` of calls: back-to-back, or at a
 * fixed total rate. CPU per call comes from each process's own CPU time over the window.
 */
export async function steady(
  system: System,
  options: {
    chargePoints: number;
    seconds: number;
    warmupSeconds: number;
    perSecond?: number;
    protocol?: LoadProtocol;
  },
): Promise<SteadyResult> {
  const driver = await LoadDriver.start();
  try {
    const protocol = options.protocol ?? "ocpp1.6";
    await driver.connect(
      system.url,
      identityPrefix("STEADY", protocol),
      0,
      options.chargePoints,
      100,
      {
        protocol,
      },
    );
    const run = (seconds: number) =>
      options.perSecond ? driver.paced(seconds, options.perSecond) : driver.steady(seconds);
    await run(options.warmupSeconds);
    const levity = "projectorOps" in system ? (system as Levity) : undefined;
    const [projectorBefore, gatewayBefore] = levity
      ? await Promise.all([
          scrapeMetrics(`${levity.projectorOps}/metrics`),
          scrapeMetrics(`${levity.gatewayOps}/metrics`),
        ])
      : [undefined, undefined];
    const pids = { ...system.pids, client: driver.pid };
    const cpuBefore = Object.fromEntries(
      Object.entries(pids).map(([role, pid]) => [role, cpuSeconds(pid)]),
    );
    const result = await run(options.seconds);
    const cpu = Object.fromEntries(
      Object.entries(pids).map(([role, pid]) => [
        role,
        Math.round(((cpuSeconds(pid) - (cpuBefore[role] ?? 0)) * 1e6) / result.calls),
      ]),
    );
    cpu.system = Object.entries(cpu)
      .filter(([role]) => role !== "client")
      .reduce((sum, [, us]) => sum + us, 0);
    const latency = latencyMs(result.latency);
    let lagP99Ms: number | undefined;
    let eventsPerCommit: number | undefined;
    if (levity && projectorBefore && gatewayBefore) {
      const [projectorAfter, gatewayAfter] = await Promise.all([
        scrapeMetrics(`${levity.projectorOps}/metrics`),
        scrapeMetrics(`${levity.gatewayOps}/metrics`),
      ]);
      lagP99Ms =
        Math.round(
          histogramQuantile(
            0.99,
            bucketDelta(projectorBefore, projectorAfter, "levity_projector_event_lag_seconds"),
          ) *
            1000 *
            10,
        ) / 10;
      const events =
        value(gatewayAfter, "levity_gateway_events_per_commit_sum") -
        value(gatewayBefore, "levity_gateway_events_per_commit_sum");
      const commits =
        value(gatewayAfter, "levity_gateway_events_per_commit_count") -
        value(gatewayBefore, "levity_gateway_events_per_commit_count");
      eventsPerCommit = commits > 0 ? Math.round((events / commits) * 10) / 10 : 0;
    }
    await driver.close();
    return {
      system: system.name,
      chargePoints: options.chargePoints,
      callsPerSecond: Math.round(result.calls / result.seconds),
      errors: result.errors,
      p50Ms: latency.p50,
      p99Ms: latency.p99,
      cpuUsPerCall: cpu,
      ...(lagP99Ms === undefined ? {} : { lagP99Ms }),
      ...(eventsPerCommit === undefined ? {} : { eventsPerCommit }),
    };
  } finally {
    await driver.stop();
  }
}
