import Fastify from "fastify";

/** What the operations endpoint serves. */
export interface OpsServerOptions {
  readonly port: number;
  readonly host?: string;
  /** The Prometheus text exposition, rendered at each scrape. */
  readonly metrics: () => Promise<string>;
  /** Whether the service can do its job now; `/readyz` answers 503 while false. */
  readonly ready: () => Promise<boolean> | boolean;
}

const PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

/** A running operations endpoint. */
export interface OpsServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Serves `/healthz` (alive), `/readyz` (ready) and `/metrics` (Prometheus text format). */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const app = Fastify({ logger: false });
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    const ready = await options.ready();
    return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "not ready" });
  });
  app.get("/metrics", async (_request, reply) => {
    const body = await options.metrics();
    return reply.header("content-type", PROMETHEUS_TEXT).send(body);
  });
  await app.listen({ port: options.port, host: options.host ?? "0.0.0.0" });
  const address = app.server.address();
  return {
    port: typeof address === "object" && address ? address.port : options.port,
    close: () => app.close(),
  };
}
