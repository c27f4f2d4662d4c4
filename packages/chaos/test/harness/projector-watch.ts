import { type ParsedMetrics, sampleValue, scrapeMetrics } from "@levity/testkit";

/** One look at the projector: what /readyz said and what the fleet's series read. */
export interface ProjectorSample {
  readonly at: number;
  readonly ready: boolean;
  /** Charge points of the fleet that read `ocpp_cp_connected 1`. */
  readonly connected: number;
  /** The fleet's `ocpp_cp_disconnects_total`, summed. */
  readonly disconnects: number;
  readonly lostDecisions: number;
}

const total = (metrics: ParsedMetrics, name: string, cps: readonly string[]) =>
  cps.reduce((sum, cpId) => sum + (sampleValue(metrics, name, { cp_id: cpId }) ?? 0), 0);

/** Looks at the projector once. */
export async function sampleProjector(
  opsUrl: string,
  cps: readonly string[],
): Promise<ProjectorSample> {
  const ready = (await fetch(`${opsUrl}/readyz`)).ok;
  const metrics = await scrapeMetrics(`${opsUrl}/metrics`);
  return {
    at: Date.now(),
    ready,
    connected: cps.filter(
      (cpId) => sampleValue(metrics, "ocpp_cp_connected", { cp_id: cpId }) === 1,
    ).length,
    disconnects: total(metrics, "ocpp_cp_disconnects_total", cps),
    lostDecisions:
      sampleValue(metrics, "levity_projector_decisions_total", { type: "gateway.lost" }) ?? 0,
  };
}

/**
 * Looks at a projector every few hundred milliseconds while a fault runs, so a test can say what
 * operators would have seen at any moment, not only at the end.
 */
export class ProjectorWatch {
  readonly #samples: ProjectorSample[] = [];
  #running = true;
  readonly #loop: Promise<void>;

  constructor(opsUrl: string, cps: readonly string[], intervalMs = 200) {
    this.#loop = (async () => {
      while (this.#running) {
        this.#samples.push(await sampleProjector(opsUrl, cps));
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    })();
  }

  /** Stops looking and returns every sample taken. */
  async stop(): Promise<ProjectorSample[]> {
    this.#running = false;
    await this.#loop;
    return this.#samples;
  }
}
