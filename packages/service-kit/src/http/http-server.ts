import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from "fastify";

/** Where and how an HTTP server listens. */
export interface HttpServerOptions {
  readonly port: number;
  readonly host?: string;
  /** Serve HTTPS with this certificate and key (PEM). */
  readonly https?: { readonly cert: Buffer; readonly key: Buffer };
  /** Largest request body accepted, in bytes (fastify answers 413 beyond). */
  readonly bodyLimit?: number;
}

/** A listening HTTP server. */
export interface HttpServer {
  readonly port: number;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * A small HTTP core that features register on as fastify plugins (the ops endpoints, the command
 * API), then listens. Each service's ports are separate servers: what is public and what is
 * private never share a port.
 */
export async function startHttpServer(
  options: HttpServerOptions,
  register: (app: FastifyInstance) => Promise<void> | void,
): Promise<HttpServer> {
  const common = {
    logger: false,
    bodyLimit: options.bodyLimit ?? 1_048_576,
    // A path parameter holds a charge point's identity: up to 255 characters, each of which may
    // arrive percent-encoded.
    routerOptions: { maxParamLength: 1_024 },
    // Refusals made before any route runs (a malformed URL) answer as every other does: a status
    // and a JSON `{error, message}`.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      reply.code(error.statusCode ?? 400).send({ error: "bad-request", message: error.message });
    },
  };
  const app = options.https ? Fastify({ ...common, https: options.https }) : Fastify(common);
  await register(app as FastifyInstance);
  await app.listen({ port: options.port, host: options.host ?? "0.0.0.0" });
  const address = app.server.address();
  return {
    port: typeof address === "object" && address ? address.port : options.port,
    app: app as FastifyInstance,
    close: () => app.close(),
  };
}
