import { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { type HttpServer, startHttpServer } from "../http/http-server.js";

/** What the operations endpoint serves. */
export interface OpsServerOptions {
  readonly port: number;
  readonly host?: string;
  /**
   * The Prometheus text exposition, rendered at each scrape: chunks are written as they come, so
   * a large exposition is never one string and the event loop runs between chunks.
   */
  readonly metrics: () => AsyncIterable<string>;
  /** Whether the service can do its job now; `/readyz` answers 503 while false. */
  readonly ready: () => Promise<boolean> | boolean;
}

const PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

/** `/healthz` (alive), `/readyz` (ready) and `/metrics` (Prometheus text format), as a plugin. */
export function opsRoutes(options: Pick<OpsServerOptions, "metrics" | "ready">) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get("/healthz", async () => ({ status: "ok" }));
    app.get("/readyz", async (_request, reply) => {
      const ready = await options.ready();
      return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "not ready" });
    });
    app.get("/metrics", async (_request, reply) => {
      return reply.header("content-type", PROMETHEUS_TEXT).send(Readable.from(options.metrics()));
    });
  };
}

/** A running operations endpoint. */
export type OpsServer = Pick<HttpServer, "port" | "close">;

/** Serves the ops routes on their own port. */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  return startHttpServer(
    { port: options.port, ...(options.host === undefined ? {} : { host: options.host }) },
    opsRoutes(options),
  );
}
