import { CPS_PER_SLICE, yieldToEventLoop } from "../projection/event-loop-slices.js";
import { labelValue } from "./label-value.js";
import {
  CP_FAMILIES,
  FLEET_FAMILIES,
  type ProjectedMetric,
  type ProjectionView,
} from "./projected-metrics.js";

function header(out: string[], family: ProjectedMetric): void {
  out.push(`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`);
}

/** Lines so far as one chunk of text (each line ended), leaving `out` empty. */
function take(out: string[]): string {
  if (out.length === 0) return "";
  out.push("");
  const chunk = out.join("\n");
  out.length = 0;
  return chunk;
}

/**
 * The Prometheus text of every projected family for one state, a slice of charge points per
 * chunk with a turn of the event loop between chunks. At 48,000 charge points the text is about
 * 85 MB: written to the socket chunk by chunk, it is never one string, and event application
 * never waits longer than one slice.
 */
export async function* renderProjectionChunks(view: ProjectionView): AsyncGenerator<string> {
  const out: string[] = [];
  for (const family of FLEET_FAMILIES) {
    header(out, family);
    family.write(out, view);
  }
  const cps = [...view.state.cps];
  const labels = cps.map(([id]) => `cp_id="${labelValue(id)}"`);
  for (const family of CP_FAMILIES) {
    header(out, family);
    for (let index = 0; index < cps.length; index++) {
      family.write(out, labels[index] as string, (cps[index] as (typeof cps)[number])[1]);
      if ((index + 1) % CPS_PER_SLICE === 0) {
        yield take(out);
        await yieldToEventLoop();
      }
    }
  }
  yield take(out);
}

/** The whole text at once: for tests and tools; the ops endpoint streams the chunks. */
export async function renderProjection(view: ProjectionView): Promise<string> {
  let text = "";
  for await (const chunk of renderProjectionChunks(view)) text += chunk;
  return text;
}
