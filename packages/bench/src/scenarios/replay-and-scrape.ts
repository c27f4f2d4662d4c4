import { storeSyntheticFleet } from "@levity/events/testing";
import { JetStreamEventLog } from "@levity/nats";
import { connect } from "@nats-io/transport-node";
import { scrapeMetrics, value } from "../measure/scrape.js";
import { startLevity } from "./systems.js";

/** How fast the projector comes back, and how fast it renders a large fleet. */
export interface ReplayResult {
  readonly events: number;
  readonly chargePoints: number;
  readonly generateSeconds: number;
  readonly readyWithoutSnapshotS: number;
  readonly replayEventsPerSecond: number;
  readonly readyWithSnapshotS: number;
  readonly heapPerCpBytes: number;
  readonly scrape: ScrapeResult;
}

export interface ScrapeResult {
  readonly chargePoints: number;
  readonly medianMs: number;
  readonly maxMs: number;
  readonly bytes: number;
  readonly series: number;
}

/** Times `rounds` scrapes of a `/metrics` endpoint. */
export async function timeScrapes(
  url: string,
  chargePoints: number,
  rounds = 10,
): Promise<ScrapeResult> {
  const times: number[] = [];
  let bytes = 0;
  let series = 0;
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    const text = await (await fetch(url)).text();
    times.push(performance.now() - started);
    bytes = Buffer.byteLength(text);
    series = text.split("\n").filter((line) => line.length > 0 && !line.startsWith("#")).length;
  }
  times.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    chargePoints,
    medianMs: round(times[Math.floor(times.length / 2)] ?? 0),
    maxMs: round(times.at(-1) ?? 0),
    bytes,
    series,
  };
}

/**
 * Stores a long stream, then restarts the projector on it: first with only an empty snapshot
 * (a full replay), then with the snapshot it wrote when stopped.
 */
export async function replayAndScrape(chargePoints: number): Promise<ReplayResult> {
  const levity = await startLevity({ gateway: false });
  try {
    const empty = await scrapeMetrics(`${levity.projectorOps}/metrics`);
    await levity.stopProjector();
    const connection = await connect({ servers: levity.nats.url });
    const generated = await storeSyntheticFleet(
      await JetStreamEventLog.open(connection, { publishTimeoutMs: 30_000 }),
      chargePoints,
    );
    await connection.drain();
    const readyWithoutSnapshotS = await levity.restartProjector();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const replayed = await scrapeMetrics(`${levity.projectorOps}/metrics`);
    const replaySeconds = value(replayed, "levity_projector_replay_duration_seconds");
    const heapPerCp =
      (value(replayed, "nodejs_heap_size_used_bytes") -
        value(empty, "nodejs_heap_size_used_bytes")) /
      chargePoints;
    const scrape = await timeScrapes(`${levity.projectorOps}/metrics`, chargePoints);
    await levity.stopProjector("SIGTERM");
    const readyWithSnapshotS = await levity.restartProjector();
    return {
      events: generated.events,
      chargePoints,
      generateSeconds: Math.round(generated.seconds * 10) / 10,
      readyWithoutSnapshotS: Math.round(readyWithoutSnapshotS * 100) / 100,
      replayEventsPerSecond: Math.round(generated.events / replaySeconds),
      readyWithSnapshotS: Math.round(readyWithSnapshotS * 100) / 100,
      heapPerCpBytes: Math.round(heapPerCp),
      scrape,
    };
  } finally {
    await levity.stop();
  }
}
