import { fileURLToPath } from "node:url";
import { runSourceChild } from "../measure/source-child.js";

const CHILD = fileURLToPath(new URL("./read-api-child.ts", import.meta.url));

/** One API request's times, and the longest it held the event loop. */
export interface ReadApiRequest {
  readonly path: string;
  readonly firstMs: number;
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly maxBlockMs: number;
  readonly bytes: number;
}

export interface ReadApiResult {
  readonly chargePoints: number;
  readonly events: number;
  readonly endedKeptPerCp: number;
  readonly endedBytesPerCp: number;
  readonly requests: readonly ReadApiRequest[];
}

/** The charge-point API over a projection of `chargePoints`, measured in a child of its own. */
export function readApi(quick: boolean): Promise<ReadApiResult> {
  const chargePoints = quick ? 1_000 : 10_000;
  return runSourceChild(CHILD, [String(chargePoints), quick ? "10" : "50"], "read API measurement");
}

/** The scenario's table for docs/benchmarks.md. */
export function renderReadApi(result: ReadApiResult): string {
  const rows = result.requests.map(
    (r) =>
      `| \`GET ${r.path}\` | ${r.firstMs} | ${r.medianMs} | ${r.p99Ms} | ${r.maxMs} | ${r.maxBlockMs} | ${r.bytes.toLocaleString("en")} |`,
  );
  return [
    `Charge-point API over ${result.chargePoints.toLocaleString("en")} charge points (${result.events.toLocaleString("en")} events folded; ${result.endedKeptPerCp} ended transactions kept per charge point, ${result.endedBytesPerCp.toLocaleString("en")} bytes of heap each):`,
    "",
    "| request | first ms | median ms | p99 ms | max ms | longest event-loop block ms | bytes |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}
