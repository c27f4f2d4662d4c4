import type { LevityEvent } from "@levity/events";
import { readEvents } from "@levity/events/testing";
import { JetStreamEventLog } from "@levity/nats";
import {
  type GatewayProcess,
  launchGateway,
  launchProjector,
  NatsServerProcess,
  type ParsedMetrics,
  type ServicePorts,
  type ServiceProcess,
  sampleValue,
  scrapeMetrics,
} from "@levity/testkit";
import { connect } from "@nats-io/transport-node";

/**
 * One chaos case's world: a nats-server of its own (so it can be killed), and the built gateway
 * and projector processes started against it with the default stream names.
 */
export class ChaosCluster {
  readonly nats: NatsServerProcess;
  readonly #services: ServiceProcess[] = [];

  private constructor(nats: NatsServerProcess) {
    this.nats = nats;
  }

  static async start(): Promise<ChaosCluster> {
    return new ChaosCluster(await NatsServerProcess.start());
  }

  #env(extra: Readonly<Record<string, string>>): Record<string, string> {
    return { NATS_URL: this.nats.url, LOG_LEVEL: "warn", ...extra };
  }

  /** Starts a gateway reporting alive every second; open (`--allow-unknown`) unless given a registry. */
  async gateway(
    id: string,
    env: Readonly<Record<string, string>> = {},
    ports: ServicePorts = {},
  ): Promise<GatewayProcess> {
    const gateway = await launchGateway(
      this.#env({
        GATEWAY_ID: id,
        ...(env.CHARGE_POINTS ? {} : { ALLOW_UNKNOWN: "true" }),
        ALIVE_INTERVAL: "1",
        ...env,
      }),
      ports,
    );
    this.#services.push(gateway);
    return gateway;
  }

  /** Starts a projector; `ports` reuses a stopped one's port so it restarts "the same" service. */
  async projector(
    env: Readonly<Record<string, string>> = {},
    ports: ServicePorts = {},
  ): Promise<ServiceProcess> {
    const projector = await launchProjector(this.#env(env), ports);
    this.#services.push(projector);
    return projector;
  }

  /** Every valid event in the stream right now, in order. */
  async storedEvents(): Promise<LevityEvent[]> {
    const connection = await connect({ servers: this.nats.url });
    try {
      return await readEvents(await JetStreamEventLog.open(connection, {}));
    } finally {
      await connection.close();
    }
  }

  /** The stream's last sequence right now. */
  async lastSequence(): Promise<number> {
    const connection = await connect({ servers: this.nats.url });
    try {
      return await (await JetStreamEventLog.open(connection, {})).lastSequence();
    } finally {
      await connection.close();
    }
  }

  async dispose(): Promise<void> {
    await Promise.all(this.#services.map((service) => service.process.stop("SIGKILL")));
    await this.nats.dispose();
  }
}

/**
 * Resolves once the projector is ready and has applied the stream up to `sequence`; rejects when
 * that takes longer than `timeoutMs` (when given) or the projector exits.
 */
export async function projectorMetricsAt(
  projector: Pick<ServiceProcess, "opsUrl"> & Partial<Pick<ServiceProcess, "process">>,
  sequence: number,
  timeoutMs = Number.POSITIVE_INFINITY,
): Promise<ParsedMetrics> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = await fetch(`${projector.opsUrl}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) {
      const metrics = await scrapeMetrics(`${projector.opsUrl}/metrics`);
      const applied = sampleValue(metrics, "levity_projector_last_applied_sequence") ?? 0;
      if (applied >= sequence) return metrics;
    }
    if (projector.process && !projector.process.running)
      throw new Error(`projector exited:\n${projector.process.tail()}`);
    if (Date.now() > deadline)
      throw new Error(`projector not ready at sequence ${sequence} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
