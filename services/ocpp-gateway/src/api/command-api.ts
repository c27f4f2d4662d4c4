import { readFile } from "node:fs/promises";
import swagger from "@fastify/swagger";
import { type HttpServer, type Logger, startHttpServer } from "@levity/service-kit";
import Fastify, { type FastifyInstance } from "fastify";
import { errorHandling } from "./api-errors.js";
import type { ApiTokens } from "./api-tokens.js";
import { bearerAuth } from "./bearer-auth.js";
import { type CommandRoutesOptions, commandRoutes } from "./command-routes.js";

/** Where the command API listens and what it serves. */
export interface CommandApiOptions {
  readonly port: number;
  readonly host: string;
  /** HTTPS with this certificate and key (PEM files). */
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
  readonly tokens: () => ApiTokens;
  readonly routes: CommandRoutesOptions;
  readonly logger: Logger;
}

// An OCPP payload is a few KiB at most; a firmware URL or a charging profile is the largest.
const BODY_LIMIT = 64 * 1024;

/**
 * Builds the command API on a fastify instance: the OpenAPI document of its routes, bearer
 * authentication, JSON errors for every refusal, and the command routes as a plugin.
 */
export async function buildCommandApi(
  app: FastifyInstance,
  options: Pick<CommandApiOptions, "tokens" | "routes" | "logger">,
): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "Levity command API",
        version: "1",
        description:
          "Commands to OCPP charge points, routed to the gateway that holds each one's session. Every command and its outcome is stored in the event stream.",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
    },
  });
  // Bodies are OCPP payloads: JSON only (anything else is 415).
  app.removeContentTypeParser("text/plain");
  await errorHandling((error) => options.logger.error({ err: error }, "API request failed"))(app);
  await bearerAuth(options.tokens, options.logger)(app);
  app.get("/v1/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  await app.register(commandRoutes(options.routes));
}

/** Serves the command API on its own port (HTTPS with a certificate). */
export async function startCommandApi(options: CommandApiOptions): Promise<HttpServer> {
  const https = options.tls
    ? {
        cert: await readFile(options.tls.certFile),
        key: await readFile(options.tls.keyFile),
      }
    : undefined;
  return startHttpServer(
    {
      port: options.port,
      host: options.host,
      bodyLimit: BODY_LIMIT,
      ...(https ? { https } : {}),
    },
    (app) => buildCommandApi(app, options),
  );
}

/** The API's OpenAPI document, as served at /v1/openapi.json (for docs/openapi.json). */
export async function commandApiDocument(
  options: Pick<CommandApiOptions, "tokens" | "routes" | "logger">,
): Promise<unknown> {
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT });
  await buildCommandApi(app, options);
  await app.ready();
  const document = app.swagger();
  await app.close();
  return document;
}
