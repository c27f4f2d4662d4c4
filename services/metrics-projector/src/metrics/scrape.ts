import type { Registry } from "prom-client";
import type { Projector } from "../projector.js";

/**
 * What `/metrics` serves: the process's own metrics, then the projection's chunks (none before the
 * projector has started). The projection is asked first so the gauges it sets when asked (the
 * snapshot's age) are current in the registry's text.
 */
export async function* scrape(
  registry: Registry,
  projector: Projector | undefined,
): AsyncGenerator<string> {
  const projected = projector?.renderMetrics();
  yield await registry.metrics();
  if (projected) yield* projected;
}
