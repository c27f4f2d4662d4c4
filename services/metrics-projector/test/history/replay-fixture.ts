import { readFile } from "node:fs/promises";
import { decodeBatch } from "@levity/events";
import { renderProjection } from "../../src/metrics/render-projection.js";
import { applyBatch } from "../../src/state/evolve.js";
import { EMPTY_STATE, type ProjectionState } from "../../src/state/projection-state.js";

/** A stream recorded by the all-in-one (its journal: one stored message per line) before event v2. */
export const V1_STREAM = new URL("./fixtures/v1-stream.jsonl", import.meta.url);
/** The projected metrics that stream replayed to when it was recorded. */
export const V1_METRICS = new URL("./fixtures/v1-stream.metrics.txt", import.meta.url);

/** Replays a journal file as the projector does and renders the projected families. */
export async function replayJournal(
  path: URL,
): Promise<{ metrics: string; state: ProjectionState; rejected: number }> {
  let state = EMPTY_STATE;
  let rejected = 0;
  for (const line of (await readFile(path, "utf8")).split("\n")) {
    if (line === "") continue;
    const { d } = JSON.parse(line) as { d: string };
    const decoded = decodeBatch(Buffer.from(d, "base64"));
    if (!decoded.ok) throw new Error(decoded.error);
    rejected += decoded.value.rejected.length;
    state = applyBatch(state, decoded.value).state;
  }
  return { metrics: await renderProjection({ state, connected: true }), state, rejected };
}
