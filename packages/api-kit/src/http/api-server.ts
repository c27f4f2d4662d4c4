import { readFile } from "node:fs/promises";
import swagger from "@fastify/swagger";
import { type HttpServer, type Logger, startHttpServer } from "@levity/service-kit";
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from "fastify";
import type { ApiTokens } from "../tokens/api-tokens.js";
import { errorHandling } from "./api-errors.js";
import { bearerAuth } from "./bearer-auth.js";

/** A part of the API (the commands, the charge points), registered as a fastify plugin. */
export type ApiFeature = FastifyPluginAsync;

/** What an API server serves and who may ask. */
export interface ApiParts {
  readonly tokens: () => ApiTokens;
  readonly features: readonly ApiFeature[];
  readonly logger: Logger;
}

/** Where an API server listens. */
export interface ApiListen {
  readonly port: number;
  readonly host: string;
  /** HTTPS with this certificate and key (PEM files). */
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
}

// An OCPP payload is a few KiB at most; a firmware URL or a charging profile is the largest.
const BODY_LIMIT = 64 * 1024;

/**
 * Builds the API on a fastify instance: the OpenAPI document of the features' routes, bearer
 * authentication, JSON errors for every refusal, then each feature as a plugin. The gateway serves
 * the commands, the projector the charge points, the all-in-one both on one port.
 */
export async function buildApi(app: FastifyInstance, parts: ApiParts): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "Levity API",
        version: "1",
        description:
          "Commands to OCPP charge points, routed to the gateway that holds each one's session (served by the gateway), and what the projection knows of each charge point (served by the metrics projector). Every command and its outcome is stored in the event stream. The all-in-one serves both on one port.",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
    },
  });
  // Bodies are OCPP payloads: JSON only (anything else is 415).
  app.removeContentTypeParser("text/plain");
  await errorHandling((error) => parts.logger.error({ err: error }, "API request failed"))(app);
  await bearerAuth(parts.tokens, parts.logger)(app);
  app.get("/v1/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  for (const feature of parts.features) await app.register(feature);
}

/** Serves the API on its own port (HTTPS with a certificate). */
export async function startApi(listen: ApiListen, parts: ApiParts): Promise<HttpServer> {
  const https = listen.tls
    ? { cert: await readFile(listen.tls.certFile), key: await readFile(listen.tls.keyFile) }
    : undefined;
  return startHttpServer(
    { port: listen.port, host: listen.host, bodyLimit: BODY_LIMIT, ...(https ? { https } : {}) },
    (app) => buildApi(app, parts),
  );
}

/** The OpenAPI document of these features, as served at /v1/openapi.json (for docs/openapi.json). */
export async function apiDocument(parts: ApiParts): Promise<unknown> {
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT });
  await buildApi(app, parts);
  await app.ready();
  const document = app.swagger();
  await app.close();
  return document;
}
