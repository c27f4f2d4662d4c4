import { type HttpServer, LiveFile, type Logger } from "@levity/service-kit";
import { type ApiFeature, startApi } from "./http/api-server.js";
import { parseApiTokens } from "./tokens/api-tokens.js";

/** The API's settings, as each service that serves it takes them. */
export interface ApiConfig {
  readonly apiPort: number;
  readonly apiHost: string;
  readonly apiTokens: string | undefined;
  readonly apiTlsCert: string | undefined;
  readonly apiTlsKey: string | undefined;
}

/** A running API, or none. */
export interface RunningApi {
  readonly port: number | undefined;
  stop(): Promise<void>;
}

/**
 * Serves the features when a tokens file is given; without one the API stays off (and says so),
 * so it is never open by accident. The tokens file is re-read live.
 */
export async function apiFromConfig(
  config: ApiConfig,
  features: readonly ApiFeature[],
  logger: Logger,
): Promise<{ ok: true; api: RunningApi } | { ok: false; error: string }> {
  if (Boolean(config.apiTlsCert) !== Boolean(config.apiTlsKey))
    return { ok: false, error: "--api-tls-cert and --api-tls-key go together" };
  if (!config.apiTokens) {
    logger.warn("the API is off: give --api-tokens FILE to serve it");
    return { ok: true, api: { port: undefined, stop: async () => {} } };
  }
  const tokens = await LiveFile.open(
    config.apiTokens,
    parseApiTokens,
    (t) => t.size,
    (event) => {
      if (event.ok) logger.info({ tokens: event.size }, "API tokens reloaded");
      else
        logger.error({ error: event.error }, "API tokens not reloaded, keeping the previous ones");
    },
  );
  if (!tokens.ok) return tokens;
  const file = tokens.file;
  if (file.current.size === 0)
    logger.warn(
      { file: config.apiTokens },
      "no API tokens yet: every request is refused (levity-admin token add)",
    );
  let server: HttpServer;
  try {
    server = await startApi(
      {
        port: config.apiPort,
        host: config.apiHost,
        tls:
          config.apiTlsCert && config.apiTlsKey
            ? { certFile: config.apiTlsCert, keyFile: config.apiTlsKey }
            : undefined,
      },
      { tokens: () => file.current, features, logger },
    );
  } catch (error) {
    file.stop();
    return { ok: false, error: `cannot serve the API: ${(error as Error).message}` };
  }
  logger.info(
    { api: `${config.apiTlsCert ? "https" : "http"}://localhost:${server.port}/v1` },
    "API listening",
  );
  return {
    ok: true,
    api: {
      port: server.port,
      stop: async () => {
        file.stop();
        await server.close();
      },
    },
  };
}
