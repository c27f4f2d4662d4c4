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
