import { storeSyntheticFleet } from "@levity/events/testing";
import { JetStreamEventLog } from "@levity/nats";
import { connect } from "@nats-io/transport-node";
import { cpuSeconds, rssBytes } from "../measure/proc-stats.js";
import { scrapeMetrics, value } from "../measure/scrape.js";
import { type ScrapeResult, timeScrapes } from "./replay-and-scrape.js";
import { startLevity } from "./systems.js";

// A year of a large fleet's events, replayed by a projector started on the stream with no
// snapshot; then the restart a snapshot makes short. The stream is the synthetic fleet's: each
// charge point connects, boots, reports its connectors, then charges again and again (a start,
// nine meter readings of four samples, a stop, a heartbeat), 50 events per message, each message
// holding 50 different charge points as a busy gateway's group commit does.

export interface ReplayAtScaleResult {
  readonly chargePoints: number;
  readonly events: number;
  readonly messages: number;
  readonly storeSeconds: number;
  readonly replaySeconds: number;
  readonly eventsPerSecond: number;
  /** The projector's CPU from its start to ready, per million events. */
  readonly cpuSecondsPerMillion: number;
  readonly readyWithoutSnapshotS: number;
  readonly rssMiB: number;
  readonly heapUsedMiB: number;
  readonly readyWithSnapshotS: number;
  /** The projector's /metrics over HTTP once the fleet is folded, nothing else running. */
  readonly scrape: ScrapeResult;
}

/** 50,000 charge points × 200 events (a tenth with `quick`). */
export function replayAtScaleOptions(quick: boolean) {
  return { chargePoints: quick ? 5_000 : 50_000, eventsPerCp: 200 };
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function replayAtScale(
  options: ReturnType<typeof replayAtScaleOptions>,
): Promise<ReplayAtScaleResult> {
  // Without the history index, which starts once the replay is done and would then read the same
  // stream in the same process while the scrapes are timed.
  const levity = await startLevity({
    gateway: false,
    projectorEnv: { NO_HISTORY_INDEX: "true" },
    projectorReadyMs: 15 * 60_000,
  });
  try {
    await levity.stopProjector();
    const connection = await connect({ servers: levity.nats.url });
    const stored = await storeSyntheticFleet(
      await JetStreamEventLog.open(connection, { publishTimeoutMs: 60_000 }),
      options.chargePoints,
      options.eventsPerCp,
    );
    await connection.drain();
    const readyWithoutSnapshotS = await levity.restartProjector();
    const pid = levity.projector.pid ?? 0;
    const cpu = cpuSeconds(pid);
    const rss = rssBytes(pid);
    const metrics = await scrapeMetrics(`${levity.projectorOps}/metrics`);
    const replaySeconds = value(metrics, "levity_projector_replay_duration_seconds");
    const scrape = await timeScrapes(`${levity.projectorOps}/metrics`, options.chargePoints, 5);
    await levity.stopProjector("SIGTERM");
    const readyWithSnapshotS = await levity.restartProjector();
    return {
      chargePoints: options.chargePoints,
      events: stored.events,
      messages: stored.messages,
      storeSeconds: round(stored.seconds, 1),
      replaySeconds: round(replaySeconds),
      eventsPerSecond: Math.round(stored.events / replaySeconds),
      cpuSecondsPerMillion: round(cpu / (stored.events / 1e6)),
      readyWithoutSnapshotS: round(readyWithoutSnapshotS),
      rssMiB: Math.round(rss / 2 ** 20),
      heapUsedMiB: Math.round(value(metrics, "nodejs_heap_size_used_bytes") / 2 ** 20),
      readyWithSnapshotS: round(readyWithSnapshotS),
      scrape,
    };
  } finally {
    await levity.stop();
  }
}

/** The scenario's table for docs/benchmarks.md. */
export function renderReplayAtScale(r: ReplayAtScaleResult): string {
  const n = (x: number) => x.toLocaleString("en");
  return [
    `A projector started with no snapshot on ${n(r.events)} events of ${n(r.chargePoints)} charge points (${n(r.messages)} messages, stored in ${r.storeSeconds} s), then restarted with the snapshot it wrote when stopped:`,
    "",
    "| events | replay s | events/s | projector CPU s per million events | ready without snapshot s | RSS / heap used MiB | ready with snapshot s |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    `| ${n(r.events)} | ${r.replaySeconds} | ${n(r.eventsPerSecond)} | ${r.cpuSecondsPerMillion} | ${r.readyWithoutSnapshotS} | ${r.rssMiB} / ${r.heapUsedMiB} | ${r.readyWithSnapshotS} |`,
    "",
    `Its /metrics over HTTP, ${n(r.scrape.chargePoints)} charge points, nothing else running: median ${r.scrape.medianMs} ms, max ${r.scrape.maxMs} ms of 5; ${n(Math.round(r.scrape.bytes / 1e6))} MB, ${n(r.scrape.series)} series.`,
  ].join("\n");
}
