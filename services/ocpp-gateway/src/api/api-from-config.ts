import type { HttpServer, Logger } from "@levity/service-kit";
import type { CommandService } from "../commands/command-service.js";
import { LiveFile } from "../config/live-file.js";
import { parseApiTokens } from "./api-tokens.js";
import { startCommandApi } from "./command-api.js";

/** The API's settings (a subset of the gateway's options). */
export interface ApiConfig {
  readonly apiPort: number;
  readonly apiHost: string;
  readonly apiTokens: string | undefined;
  readonly apiTlsCert: string | undefined;
  readonly apiTlsKey: string | undefined;
  readonly commandTimeout: number;
}

/** A running command API, or none. */
export interface RunningApi {
  readonly port: number | undefined;
  stop(): Promise<void>;
}

/**
 * Starts the command API when a tokens file is given; without one it stays off (and says so):
 * commands are dangerous, so the API is never open by accident.
 */
export async function commandApiFromConfig(
  config: ApiConfig,
  parts: {
    readonly commands: CommandService;
    readonly knownChargePoint: (cpId: string) => boolean;
    readonly logger: Logger;
    readonly now: () => number;
  },
): Promise<{ ok: true; api: RunningApi } | { ok: false; error: string }> {
  const { logger } = parts;
  if (Boolean(config.apiTlsCert) !== Boolean(config.apiTlsKey))
    return { ok: false, error: "--api-tls-cert and --api-tls-key go together" };
  if (!config.apiTokens) {
    logger.warn("the command API is off: give --api-tokens FILE to serve it");
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
    server = await startCommandApi({
      port: config.apiPort,
      host: config.apiHost,
      tls:
        config.apiTlsCert && config.apiTlsKey
          ? { certFile: config.apiTlsCert, keyFile: config.apiTlsKey }
          : undefined,
      tokens: () => file.current,
      routes: {
        commands: parts.commands,
        knownChargePoint: parts.knownChargePoint,
        commandTimeoutS: config.commandTimeout,
        now: parts.now,
      },
      logger,
    });
  } catch (error) {
    file.stop();
    return { ok: false, error: `cannot serve the command API: ${(error as Error).message}` };
  }
  logger.info(
    { api: `${config.apiTlsCert ? "https" : "http"}://localhost:${server.port}/v1` },
    "command API listening",
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
