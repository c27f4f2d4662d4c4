import { labelValue } from "./label-value.js";
import {
  CP_FAMILIES,
  FLEET_FAMILIES,
  type ProjectedMetric,
  type ProjectionView,
} from "./projected-metrics.js";

// Charge points rendered between two yields to the event loop: a scrape of a large fleet never
// holds up event application for long. The state is an immutable value, so a scrape that spans
// several turns still renders one consistent state.
const CPS_PER_SLICE = 2_000;

function header(out: string[], family: ProjectedMetric): void {
  out.push(`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`);
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The Prometheus text of every projected family for one state. */
export async function renderProjection(view: ProjectionView): Promise<string> {
  const out: string[] = [];
  for (const family of FLEET_FAMILIES) {
    header(out, family);
    family.write(out, view);
  }
  const cps = [...view.state.cps];
  const labels = cps.map(([id]) => `cp_id="${labelValue(id)}"`);
  let rendered = 0;
  for (const family of CP_FAMILIES) {
    header(out, family);
    for (let index = 0; index < cps.length; index++) {
      family.write(out, labels[index] as string, (cps[index] as (typeof cps)[number])[1]);
      rendered += 1;
      if (rendered % CPS_PER_SLICE === 0) await yieldToEventLoop();
    }
  }
  out.push("");
  return out.join("\n");
}
