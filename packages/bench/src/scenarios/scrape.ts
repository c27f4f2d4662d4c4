import { monitorEventLoopDelay } from "node:perf_hooks";
import { eventOf } from "@levity/events/testing";
import {
  EMPTY_STATE,
  evolve,
  type ProjectionState,
  renderProjectionChunks,
} from "@levity/metrics-projector";

// The projector's /metrics at fleet scale, in this process: a folded fleet (each charge point
// connects, boots, reports and charges twice) rendered chunk by chunk and encoded as a scrape
// writes it to its socket, while Node's event-loop monitor records the longest turn (what event
// application could have waited).

const EVENTS_PER_CP = 4 + 12 * 2;

export interface ScrapeRender {
  readonly chargePoints: number;
  readonly megabytes: number;
  readonly series: number;
  readonly bytesPerCp: number;
  readonly medianMs: number;
  readonly maxMs: number;
  readonly maxBlockMs: number;
}

export interface ScrapeRenderResult {
  readonly renders: readonly ScrapeRender[];
}

function fleet(chargePoints: number): ProjectionState {
  let state = EMPTY_STATE;
  let ts = 1_700_000_000_000;
  for (let k = 0; k < EVENTS_PER_CP; k++)
    for (let cp = 0; cp < chargePoints; cp++) state = evolve(state, eventOf(cp, k, ts++));
  return state;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** One scrape's bytes and series, each chunk encoded as the socket write does. */
async function scrape(state: ProjectionState): Promise<{ bytes: number; series: number }> {
  let bytes = 0;
  let series = 0;
  for await (const chunk of renderProjectionChunks({ state, connected: true })) {
    bytes += Buffer.from(chunk).length;
    for (const line of chunk.split("\n")) if (line !== "" && !line.startsWith("#")) series += 1;
  }
  return { bytes, series };
}

/** Renders at each fleet size (a tenth with `quick`). */
export async function scrapeRender(quick: boolean): Promise<ScrapeRenderResult> {
  const rounds = quick ? 3 : 10;
  const renders: ScrapeRender[] = [];
  for (const chargePoints of quick ? [1_000, 4_800] : [10_000, 48_000]) {
    const state = fleet(chargePoints);
    const { bytes, series } = await scrape(state);
    const times: number[] = [];
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    for (let i = 0; i < rounds; i++) {
      const started = performance.now();
      for await (const chunk of renderProjectionChunks({ state, connected: true }))
        Buffer.from(chunk);
      times.push(performance.now() - started);
    }
    loop.disable();
    times.sort((a, b) => a - b);
    renders.push({
      chargePoints,
      megabytes: round(bytes / 1e6),
      series,
      bytesPerCp: Math.round(bytes / chargePoints),
      medianMs: round(times[Math.floor(times.length / 2)] ?? 0),
      maxMs: round(times.at(-1) ?? 0),
      maxBlockMs: round(loop.max / 1e6),
    });
  }
  return { renders };
}

/** The scenario's table for docs/benchmarks.md. */
export function renderScrapeRender(result: ScrapeRenderResult): string {
  const rows = result.renders.map(
    (r) =>
      `| ${r.chargePoints.toLocaleString("en")} | ${r.series.toLocaleString("en")} | ${r.megabytes} (${r.bytesPerCp.toLocaleString("en")} per charge point) | ${r.medianMs} | ${r.maxMs} | ${r.maxBlockMs} |`,
  );
  return [
    "The projector's /metrics rendered over a folded fleet, in one process:",
    "",
    "| charge points | series | MB | median ms | max ms | longest event-loop block ms |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}
